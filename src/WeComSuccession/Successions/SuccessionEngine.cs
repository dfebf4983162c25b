namespace WeComSuccession.Successions;

/// <summary>
/// Does what is due for one succession: runs every registered step, in order, on the succession as it is when
/// the step starts (plan it if new; release it; send what is queued; check what is due; complete it when every
/// item is final; tell people), then records when it next has due work. The database holds all state, so a pass
/// cut short by a crash is simply run again.
/// </summary>
internal sealed class SuccessionEngine(SuccessionStore store, IEnumerable<ISuccessionStep> steps, ServiceClock clock)
{
    /// <summary>Passes per run while work stays due at once (e.g. re-routed items); bounds a run.</summary>
    private const int MaxPasses = 5;

    private readonly ISuccessionStep[] _steps = [.. steps.OrderBy(s => s.Order)];

    public async Task RunAsync(long successionId, CancellationToken ct)
    {
        for (var pass = 0; pass < MaxPasses; pass++)
        {
            foreach (var step in _steps)
            {
                if (await store.GetAsync(successionId, ct) is not { } s)
                {
                    return;
                }

                if (step.AppliesTo(s.State))
                {
                    await step.RunAsync(s, ct);
                }
            }

            var next = await store.NextDueAsync(successionId, ct);
            await store.SetNextRunAsync(successionId, next, ct);
            if (next is null || next > clock.GetUtcNow())
            {
                return;
            }
        }
    }
}
