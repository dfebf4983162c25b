using WeComSuccession.Simulator.Engine;
using WeComSuccession.Simulator.Gate;

namespace WeComSuccession.Simulator.Control;

/// <summary>Body of <c>POST /_sim/clock/advance</c>: any mix of the fields, added up.</summary>
public sealed record ClockAdvance(double? Seconds = null, double? Minutes = null, double? Hours = null, double? Days = null);

/// <summary>Body of <c>POST /_sim/customers/{id}/refusal</c>.</summary>
public sealed record RefusalSetting(bool? Refuses);

/// <summary>Body of <c>POST /_sim/members</c>.</summary>
public sealed record NewMember(string UserId, string Name, MemberChange? Details = null);

/// <summary>Body of <c>POST /_sim/callbacks/config</c>; null fields stay as they are.</summary>
public sealed record CallbackSettings(string? Url = null, bool? Drop = null, double? DropRate = null, int? MaxRetries = null, double? RetryDelaySeconds = null, double? TimeoutSeconds = null, bool? OmitContactDetails = null);

/// <summary>Body of <c>POST /_sim/limits</c>; null fields stay as they are.</summary>
public sealed record LimitSettings(int? PerMinute = null, Dictionary<string, int>? PerApi = null, int? Concurrency = null, Dictionary<string, int>? ConcurrencyPerApi = null, int? GroupsPerOwnerPerDay = null, int? DefaultCustomerLimit = null);

/// <summary>Body of <c>POST /_sim/faults</c>; null fields stay as they are.</summary>
public sealed record FaultSettings(double? ErrorRate = null, double? ServerErrorRate = null, double? DropRate = null, double? DropAfterRate = null, int? LatencyMs = null, List<string>? Paths = null);

/// <summary>Body of <c>POST /_sim/switches</c>; null fields stay as they are.</summary>
public sealed record SwitchSettings(bool? OnJobAcceptsDisabledHandover = null, bool? ResignedAcceptsDisabled = null, bool? OwnerFilterWithResignedOwnerFails = null, bool? NotResignedPerItem = null, bool? OnJobRefusalKeepsHandover = null, int? GroupListWithoutOwnerFilterMaxMembers = null, double? RefusalRate = null, double? ResponseCodeLifetimeHours = null);

/// <summary>Body of <c>POST /_sim/cards/{taskId}/click</c>: who clicks which key (and, for vote / multiple-choice cards, what they chose).</summary>
public sealed record CardClickRequest(string UserId, string Key, IReadOnlyList<CardSelection>? Selected = null);

/// <summary>Body of <c>POST /_sim/customers/{id}/tags</c>: corp tag ids to add to and remove from one member's relation.</summary>
public sealed record TagMarking(string UserId, IReadOnlyList<string>? Add = null, IReadOnlyList<string>? Remove = null);

/// <summary>
/// The control API under <c>/_sim</c> (JSON). For tests, demos and people; the service never calls it.
/// Member changes push the callbacks WeCom would push (add <c>?silent=true</c> to change without one).
/// </summary>
internal static class ControlApi
{
    public static void MapControlApi(this IEndpointRouteBuilder app, WeComSimulator sim)
    {
        var g = app.MapGroup("/_sim");
        g.MapGet("/state", () => TypedResults.Ok(sim.Summary()));

        g.MapGet("/members", () => TypedResults.Ok(sim.Members()));
        g.MapGet("/members/{userid}", IResult (string userid) => sim.Member(userid) is { } m ? TypedResults.Ok(m) : TypedResults.NotFound());
        g.MapGet("/members/{userid}/customers", (string userid) => TypedResults.Ok(sim.CustomersOf(userid)));
        g.MapGet("/members/{userid}/groups", (string userid) => TypedResults.Ok(sim.GroupsOf(userid)));
        g.MapPost("/members", IResult (NewMember body, bool? silent) =>
        {
            if (string.IsNullOrEmpty(body.UserId) || sim.Member(body.UserId) is not null)
            {
                return TypedResults.Conflict();
            }

            return TypedResults.Ok(sim.CreateMember(body.UserId, body.Name, body.Details, silent ?? false));
        });
        g.MapPost("/members/{userid}/disable", (string userid, bool? silent) => Found(sim.DisableMember(userid, silent ?? false)));
        g.MapPost("/members/{userid}/enable", (string userid, bool? silent) => Found(sim.EnableMember(userid, silent ?? false)));
        g.MapPost("/members/{userid}/delete", (string userid, bool? silent) => Found(sim.DeleteMember(userid, silent ?? false)));
        g.MapPost("/members/{userid}/update", (string userid, MemberChange body, bool? silent) => Found(sim.UpdateMember(userid, body, silent ?? false)));

        g.MapGet("/customers/{externalUserId}", IResult (string externalUserId) => sim.Customer(externalUserId) is { } c ? TypedResults.Ok(c) : TypedResults.NotFound());
        g.MapPost("/customers/{externalUserId}/refusal", IResult (string externalUserId, RefusalSetting body) =>
            sim.SetRefusal(externalUserId, body.Refuses) ? TypedResults.Ok(sim.Customer(externalUserId)) : TypedResults.NotFound());
        g.MapPost("/customers/{externalUserId}/end-relation", IResult (string externalUserId, string userid) =>
            sim.EndRelation(externalUserId, userid) ? TypedResults.Ok(sim.Customer(externalUserId)) : TypedResults.NotFound());
        g.MapPost("/customers/{externalUserId}/tags", IResult (string externalUserId, TagMarking body, bool? silent) =>
            sim.MarkTags(externalUserId, body.UserId, body.Add, body.Remove, silent ?? false) is { } tags ? TypedResults.Ok(tags) : TypedResults.NotFound());
        g.MapGet("/tags", () => TypedResults.Ok(sim.CorpTags()));
        g.MapGet("/departments", () => TypedResults.Ok(sim.Departments()));
        g.MapGet("/groups/{chatId}", IResult (string chatId) => sim.Group(chatId) is { } gr ? TypedResults.Ok(gr) : TypedResults.NotFound());

        g.MapGet("/clock", () => TypedResults.Ok(new { now = sim.Clock.GetUtcNow(), unix = sim.Now, factor = sim.Clock.Factor }));
        g.MapPost("/clock/advance", (ClockAdvance body) =>
        {
            var by = TimeSpan.FromSeconds(body.Seconds ?? 0) + TimeSpan.FromMinutes(body.Minutes ?? 0) + TimeSpan.FromHours(body.Hours ?? 0) + TimeSpan.FromDays(body.Days ?? 0);
            var now = sim.AdvanceClock(by);
            return TypedResults.Ok(new { now, unix = now.ToUnixTimeSeconds() });
        });
        g.MapPost("/clock/factor", (double factor) =>
        {
            sim.Clock.SetFactor(factor);
            return TypedResults.Ok(new { factor });
        });

        g.MapPost("/tokens/expire", () =>
        {
            sim.ExpireTokens();
            return TypedResults.NoContent();
        });
        g.MapPost("/tokens/invalidate", () =>
        {
            sim.InvalidateTokens();
            return TypedResults.NoContent();
        });

        g.MapGet("/limits", () => TypedResults.Ok(new { sim.Options.RateLimits, sim.Options.GroupsPerOwnerPerDay, sim.Options.DefaultCustomerLimit }));
        g.MapPost("/limits", (LimitSettings body) =>
        {
            var o = sim.Options;
            o.RateLimits.PerMinute = body.PerMinute ?? o.RateLimits.PerMinute;
            o.RateLimits.Concurrency = body.Concurrency ?? o.RateLimits.Concurrency;
            foreach (var (path, n) in body.PerApi ?? [])
            {
                o.RateLimits.PerApi[path] = n;
            }

            foreach (var (path, n) in body.ConcurrencyPerApi ?? [])
            {
                o.RateLimits.ConcurrencyPerApi[path] = n;
            }

            o.GroupsPerOwnerPerDay = body.GroupsPerOwnerPerDay ?? o.GroupsPerOwnerPerDay;
            o.DefaultCustomerLimit = body.DefaultCustomerLimit ?? o.DefaultCustomerLimit;
            sim.ResetRateWindows();
            return TypedResults.Ok(o.RateLimits);
        });

        g.MapGet("/faults", () => TypedResults.Ok(sim.Options.Faults));
        g.MapPost("/faults", (FaultSettings body) =>
        {
            var f = sim.Options.Faults;
            f.ErrorRate = body.ErrorRate ?? f.ErrorRate;
            f.ServerErrorRate = body.ServerErrorRate ?? f.ServerErrorRate;
            f.DropRate = body.DropRate ?? f.DropRate;
            f.DropAfterRate = body.DropAfterRate ?? f.DropAfterRate;
            f.LatencyMs = body.LatencyMs ?? f.LatencyMs;
            if (body.Paths is { } paths)
            {
                f.Paths.Clear();
                f.Paths.AddRange(paths);
            }

            return TypedResults.Ok(f);
        });
        g.MapPost("/faults/script", (ScriptedFault body) =>
        {
            sim.ScriptFault(body);
            return TypedResults.NoContent();
        });
        g.MapDelete("/faults/script", () =>
        {
            sim.ClearScriptedFaults();
            return TypedResults.NoContent();
        });

        g.MapGet("/switches", () => TypedResults.Ok(new { sim.Options.Switches, sim.Options.RefusalRate, sim.Options.ResponseCodeLifetime }));
        g.MapPost("/switches", (SwitchSettings body) =>
        {
            var s = sim.Options.Switches;
            s.OnJobAcceptsDisabledHandover = body.OnJobAcceptsDisabledHandover ?? s.OnJobAcceptsDisabledHandover;
            s.ResignedAcceptsDisabled = body.ResignedAcceptsDisabled ?? s.ResignedAcceptsDisabled;
            s.OwnerFilterWithResignedOwnerFails = body.OwnerFilterWithResignedOwnerFails ?? s.OwnerFilterWithResignedOwnerFails;
            s.NotResignedPerItem = body.NotResignedPerItem ?? s.NotResignedPerItem;
            s.OnJobRefusalKeepsHandover = body.OnJobRefusalKeepsHandover ?? s.OnJobRefusalKeepsHandover;
            s.GroupListWithoutOwnerFilterMaxMembers = body.GroupListWithoutOwnerFilterMaxMembers ?? s.GroupListWithoutOwnerFilterMaxMembers;
            sim.Options.RefusalRate = body.RefusalRate ?? sim.Options.RefusalRate;
            sim.Options.ResponseCodeLifetime = body.ResponseCodeLifetimeHours is > 0 and var hours ? TimeSpan.FromHours(hours) : sim.Options.ResponseCodeLifetime;
            return TypedResults.Ok(new { s, sim.Options.RefusalRate, sim.Options.ResponseCodeLifetime });
        });

        g.MapGet("/ledger/calls", (string? path) => TypedResults.Ok(sim.ApiCalls(path)));
        g.MapGet("/ledger/summary", () => TypedResults.Ok(sim.ApiCallCounts()));
        g.MapGet("/ledger/transfers", (string? external_userid) => TypedResults.Ok(sim.CustomerTransfers(external_userid)));
        g.MapGet("/ledger/groups", (string? chat_id) => TypedResults.Ok(sim.GroupTransfers(chat_id)));
        g.MapGet("/messages", () => TypedResults.Ok(sim.Messages()));
        g.MapGet("/cards", IResult (string? userid) => userid is { Length: > 0 } ? TypedResults.Ok(sim.CardsOf(userid)) : TypedResults.Ok(sim.Cards()));
        g.MapGet("/cards/{taskId}", IResult (string taskId) => sim.Card(taskId) is { } card ? TypedResults.Ok(card) : TypedResults.NotFound());
        g.MapPost("/cards/{taskId}/click", (string taskId, CardClickRequest body) => ClickResult(sim.ClickCard(taskId, body.UserId ?? "", body.Key ?? "", body.Selected)));

        g.MapGet("/callbacks", () => TypedResults.Ok(sim.CallbackDeliveries()));
        g.MapPost("/callbacks/wait", async (CancellationToken ct) =>
        {
            await sim.WaitForCallbacksAsync(ct);
            return TypedResults.Ok(sim.CallbackDeliveries().Count);
        });
        g.MapGet("/callbacks/config", () => TypedResults.Ok(CallbackView(sim.Options.Callback)));
        g.MapPost("/callbacks/config", (CallbackSettings body) =>
        {
            var c = sim.Options.Callback;
            c.Url = body.Url ?? c.Url;
            c.Drop = body.Drop ?? c.Drop;
            c.DropRate = body.DropRate ?? c.DropRate;
            c.MaxRetries = body.MaxRetries ?? c.MaxRetries;
            c.RetryDelay = body.RetryDelaySeconds is { } d ? TimeSpan.FromSeconds(d) : c.RetryDelay;
            c.Timeout = body.TimeoutSeconds is { } t ? TimeSpan.FromSeconds(t) : c.Timeout;
            c.OmitContactDetails = body.OmitContactDetails ?? c.OmitContactDetails;
            return TypedResults.Ok(CallbackView(c));
        });
        g.MapPost("/callbacks/verify", async (CancellationToken ct) => TypedResults.Ok(await sim.VerifyCallbackUrlAsync(ct)));
    }

    /// <summary>The callback settings without the token and EncodingAESKey (secrets stay off pages).</summary>
    private static object CallbackView(CallbackOptions c) => new { c.Url, c.Drop, c.DropRate, c.MaxRetries, c.RetryDelay, c.Timeout, c.OmitContactDetails, c.Parallelism };

    /// <summary>200 with the delivery and response_code; otherwise a status that says why and a message for people.</summary>
    internal static IResult ClickResult(CardClickResult result) => result.Outcome switch
    {
        CardClickOutcome.Sent => TypedResults.Ok(new { result.DeliveryId, result.ResponseCode }),
        var outcome => TypedResults.Json(new { error = result.Message, outcome = outcome.ToString() }, statusCode: outcome switch
        {
            CardClickOutcome.UnknownCard => StatusCodes.Status404NotFound,
            CardClickOutcome.NotRecipient => StatusCodes.Status403Forbidden,
            CardClickOutcome.NotClickable => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status400BadRequest,
        }),
    };

    private static IResult Found(MemberInfo? member) => member is null ? TypedResults.NotFound() : TypedResults.Ok(member);
}
