using System.Text.Json;

namespace WeComSuccession.Simulator.Tests.TestSupport;

/// <summary>Reading WeCom answers taken as plain JSON.</summary>
internal static class WeComJson
{
    public static int ErrCode(this JsonElement response) => response.GetProperty("errcode").GetInt32();

    public static string? Str(this JsonElement response, string name) => response.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
