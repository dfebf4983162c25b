using Microsoft.Extensions.Options;
using WeComSuccession.Callbacks;
using WeComSuccession.Directory;
using WeComSuccession.Infrastructure.Options;
using WeComSuccession.WeCom.Events;

namespace WeComSuccession.Successions;

/// <summary>
/// Opens successions from what WeCom reports and keeps the directory current: <c>delete_user</c> → a resigned
/// succession; <c>update_user</c> → user/get decides (disabled → <see cref="SuccessionOptions.OnDisabled"/>,
/// quit or unreadable → departed), because the event may omit Status. Also used by the sweep and by people.
/// </summary>
internal sealed partial class SuccessionTriggers(
    SuccessionStore store, MemberDirectory directory, DirectorySync sync, SuccessionWakeUp wake,
    IOptions<SuccessionOptions> options, ILogger<SuccessionTriggers> logger) : ICallbackEventHandler
{
    public async Task HandleAsync(CallbackEvent evt, long inboxId, CancellationToken ct)
    {
        switch (evt)
        {
            case UserDeletedEvent deleted:
                await DepartedAsync(deleted.UserId, "callback", ct);
                break;
            case UserCreatedEvent created:
                var u = created.User;
                await directory.UpsertAsync(new Member
                {
                    Userid = u.UserId, Name = u.Name, Status = (short)(u.Status ?? Member.Active), Departments = [.. u.Departments],
                    LeaderOf = [.. u.Departments.Where((_, i) => i < u.IsLeaderInDept.Count && u.IsLeaderInDept[i])],
                    MainDepartment = u.MainDepartment, DirectLeaders = [.. u.DirectLeaders],
                }, ct);
                break;
            case UserUpdatedEvent updated:
                await UpdatedAsync(updated.User.NewUserId ?? updated.User.UserId, ct);
                break;
        }
    }

    private async Task UpdatedAsync(string userid, CancellationToken ct)
    {
        var known = await directory.GetAsync(userid, ct);
        var lookup = await sync.ReadAsync(userid, known?.CustomerContact ?? false, ct);
        if (lookup.Departed || lookup.Member?.Status == Member.Quit)
        {
            await DepartedAsync(userid, "callback", ct);
            return;
        }

        await directory.UpsertAsync(lookup.Member!, ct);
        if (lookup.Member!.Status == Member.Disabled)
        {
            await DisabledAsync(userid, ct);
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
