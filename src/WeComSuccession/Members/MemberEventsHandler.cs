using WeComSuccession.Callbacks;
using WeComSuccession.WeCom.Events;

namespace WeComSuccession.Members;

/// <summary>
/// Keeps the directory current from address-book callbacks. <c>update_user</c> may omit Status (REFERENCE §9.2),
/// so the member is re-read with user/get; a member WeCom no longer knows, or who quit, is marked departed. Runs
/// before the succession triggers (handlers run in flow order), which then read what this wrote.
/// </summary>
internal sealed class MemberEventsHandler(MemberDirectory directory, MemberReader reader) : ICallbackEventHandler
{
    public async Task HandleAsync(CallbackEvent evt, long inboxId, CancellationToken ct)
    {
        switch (evt)
        {
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
                var userid = updated.User.NewUserId ?? updated.User.UserId;
                var known = await directory.GetAsync(userid, ct);
                var lookup = await reader.ReadAsync(userid, known?.CustomerContact ?? false, ct);
                if (lookup.Gone || lookup.Member!.Status == Member.Quit)
                {
                    await directory.MarkDepartedAsync(userid, ct);
                }
                else
                {
                    await directory.UpsertAsync(lookup.Member, ct);
                }

                break;
            case UserDeletedEvent deleted:
                await directory.MarkDepartedAsync(deleted.UserId, ct);
                break;
        }
    }
}
