using Microsoft.Extensions.Options;
using WeComSuccession.Callbacks;
using WeComSuccession.Members;
using WeComSuccession.Infrastructure.Options;
using WeComSuccession.WeCom.Events;

namespace WeComSuccession.Successions;

/// <summary>
/// Opens successions from what WeCom reports: <c>delete_user</c> → a resigned succession; <c>update_user</c> →
/// what user/get said, as the member handler wrote it to the directory just before (disabled →
/// <see cref="SuccessionOptions.OnDisabled"/>; quit or unreadable → departed), because the event may omit
/// Status. Also used by the sweep and by people.
/// </summary>
internal sealed partial class SuccessionTriggers(
    SuccessionStore store, MemberDirectory directory, SuccessionWakeUp wake,
    IOptions<SuccessionOptions> options, ILogger<SuccessionTriggers> logger) : ICallbackEventHandler
{
    public async Task HandleAsync(CallbackEvent evt, long inboxId, CancellationToken ct)
    {
        switch (evt)
        {
            case UserDeletedEvent deleted:
                await DepartedAsync(deleted.UserId, "callback", ct);
                break;
            case UserUpdatedEvent updated:
                // The member handler has re-read the member with user/get and written what WeCom says.
                var userid = updated.User.NewUserId ?? updated.User.UserId;
                switch (await directory.GetAsync(userid, ct))
                {
                    case { DepartedAt: not null } member:
                        await DepartedAsync(member.Userid, "callback", ct);
                        break;
                    case { Status: Member.Disabled } member:
                        await DisabledAsync(member.Userid, ct);
                        break;
                }

                break;
        }
    }

    /// <summary>A member left: open (or release) their resigned succession.</summary>
    public async Task<Succession> DepartedAsync(string userid, string trigger, CancellationToken ct)
    {
        await directory.MarkDepartedAsync(userid, ct);
        var (s, created) = await store.OpenAsync(userid, TransferApi.Resigned, trigger, ct);
        if (!created && s.State == SuccessionState.AwaitingDeletion)
        {
            await store.TransitionAsync(s.Id, [SuccessionState.AwaitingDeletion], SuccessionState.Transferring, null, ct, api: TransferApi.Resigned);
        }

        LogOpened(logger, s.Id, userid, trigger, created);
        await wake.WakeAsync(s.Id, ct);
        return s;
    }

    /// <summary>A member was disabled: <see cref="SuccessionOptions.OnDisabled"/> decides. Null when it says Ignore.</summary>
    public async Task<Succession?> DisabledAsync(string userid, CancellationToken ct)
    {
        var policy = options.Value.OnDisabled;
        if (policy == OnDisabledPolicy.Ignore)
        {
            LogIgnored(logger, userid);
            return null;
        }

        var (s, created) = await store.OpenAsync(userid, policy == OnDisabledPolicy.TransferOnJob ? TransferApi.OnJob : TransferApi.Resigned, "callback", ct);
        LogOpened(logger, s.Id, userid, "disabled", created);
        await wake.WakeAsync(s.Id, ct);
        return s;
    }

    [LoggerMessage(EventId = 420, Level = LogLevel.Information, Message = "Succession {SuccessionId} for {Handover} ({Trigger}; new: {Created})")]
    private static partial void LogOpened(ILogger logger, long successionId, string handover, string trigger, bool created);

    [LoggerMessage(EventId = 421, Level = LogLevel.Information, Message = "{Handover} was disabled; policy is Ignore")]
    private static partial void LogIgnored(ILogger logger, string handover);
}
