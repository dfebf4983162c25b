namespace WeComSuccession.Infrastructure;

/// <summary>Health checks tagged <see cref="Ready"/> make up <c>/readyz</c>; <c>/healthz</c> runs none (the process answers).</summary>
internal static class HealthTags
{
    public const string Ready = "ready";
}
