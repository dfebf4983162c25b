using System.Globalization;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using WeComSuccession.Infrastructure.Options;
using WeComSuccession.Successions;
using WeComSuccession.WeCom.Api;
using WeComSuccession.WeCom.Api.Models;
using WeComSuccession.WeCom.Errors;

namespace WeComSuccession.Notifications;

/// <summary>
/// The notify step: app messages when a succession completes: each successor gets one digest (how many customers and groups,
/// from whom); the admins get one digest of what did not go through. Each message is recorded before it is
/// sent, keyed by (succession, recipient, kind), and sent with WeCom's duplicate check, so a rerun after a
/// crash sends what is still owed and nothing twice.
/// </summary>
internal sealed partial class SuccessionNotifier(
    NpgsqlDataSource db, SuccessionStore store, WeComClient wecom, ServiceClock clock, IOptions<WeComOptions> wecomOptions,
    IOptions<SuccessionOptions> options, ILogger<SuccessionNotifier> logger) : ISuccessionStep
{
    public int Order => StepOrder.Notify;

    public bool AppliesTo(string state) => state == SuccessionState.Completed;

    /// <summary>The notify step: owes and sends the digests of a completed succession (again harmlessly on a rerun).</summary>
    public async Task RunAsync(Succession s, CancellationToken ct)
    {
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            foreach (var (takeover, customers, groups) in await store.TransferredPerSuccessorAsync(s.Id, ct))
            {
                await OweAsync(connection, s.Id, takeover, "successor_digest", "客户继承完成",
                    string.Create(CultureInfo.InvariantCulture, $"{s.HandoverUserid} 离职后，其 {customers} 位客户和 {groups} 个客户群已由您接替。"), ct);
            }

            var counts = await store.CountsAsync(s.Id, ct);
            int failed = counts.GetValueOrDefault(ItemState.Failed), manual = counts.GetValueOrDefault(ItemState.Manual), refused = counts.GetValueOrDefault(ItemState.Refused);
            if (s.ApprovalOutcome == ApprovalOutcomes.Expired)
            {
                // Nobody approved in time: everything went to manual handling, which is the news (not a failure digest).
                var waited = s.ApprovalRequestedAt is { } since ? (int)(s.UpdatedAt - since).TotalHours : 0;
                foreach (var admin in options.Value.Admins)
                {
                    await OweAsync(connection, s.Id, admin, "approval_expired", "客户继承审批已超时",
                        string.Create(CultureInfo.InvariantCulture, $"{s.HandoverUserid} 的继承计划（规则：{s.ApprovalRule}）等待审批 {waited} 小时无人处理，{manual} 项已转人工处理。"), ct);
                }
            }
            else if (failed + manual + refused > 0)
            {
                foreach (var admin in options.Value.Admins)
                {
                    await OweAsync(connection, s.Id, admin, "failure_digest", "客户继承需要处理",
                        string.Create(CultureInfo.InvariantCulture, $"{s.HandoverUserid} 的继承已结束：{failed} 项失败，{manual} 项待人工处理，{refused} 位客户拒绝接替。"), ct);
                }
            }
        }

        await SendOwedAsync(s.Id, ct);
    }

    private async Task OweAsync(NpgsqlConnection connection, long successionId, string recipient, string kind, string title, string description, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO notifications (succession_id, recipient, kind, title, description, created_at)
            VALUES (@successionId, @recipient, @kind, @title, @description, @now)
            ON CONFLICT (succession_id, recipient, kind) DO NOTHING
            """,
            new { successionId, recipient, kind, title, description, now = clock.GetUtcNow() }, cancellationToken: ct));

    /// <summary>Sends every message of the succession that is recorded but not yet sent.</summary>
    public async Task SendOwedAsync(long successionId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var owed = await connection.QueryAsync<(long Id, string Recipient, string Title, string Description)>(new CommandDefinition(
            "SELECT id, recipient, title, description FROM notifications WHERE succession_id = @successionId AND sent_at IS NULL ORDER BY id",
            new { successionId }, cancellationToken: ct));
        foreach (var (id, recipient, title, description) in owed)
        {
            string? error = null;
            try
            {
                await wecom.ExecuteCgibinMessageSendAsync(new CgibinMessageSendRequest
                {
                    ToUser = recipient,
                    MsgType = "textcard",
                    AgentId = long.Parse(wecomOptions.Value.AgentId!, CultureInfo.InvariantCulture),
                    TextCard = new() { Title = title, Description = description, Url = options.Value.PublicBaseUrl.TrimEnd('/') + "/workbench", BtnTxt = "详情" },
                    EnableDuplicateCheck = 1,
                    DuplicateCheckInterval = 4 * 3600,
                }, ct);
            }
            catch (WeComException e)
            {
                // A message is a courtesy: log it, keep the row for a person to see, never block the succession.
                error = e.Message;
                LogSendFailed(logger, successionId, e.GetType().Name);
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE notifications SET sent_at = @now, error = @error WHERE id = @id",
                new { id, error, now = clock.GetUtcNow() }, cancellationToken: ct));
        }
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "Succession {SuccessionId}: a message could not be sent ({Error})")]
    private static partial void LogSendFailed(ILogger logger, long successionId, string error);
}
