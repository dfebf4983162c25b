using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using WeComSuccession.Infrastructure.Options;

namespace WeComSuccession.Transfers;

/// <summary>
/// WeCom lets one old owner's groups go to new owners at most 300 a day. Reserved in the database before a
/// group call leaves, so that several nodes and retried jobs together never ask for more.
/// </summary>
internal sealed class GroupQuota(NpgsqlDataSource db, ServiceClock clock, IOptions<SuccessionOptions> options)
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.Transfer.QuotaTimeZone);

    /// <summary>Today, in WeCom's time zone.</summary>
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), _zone).DateTime);

    /// <summary>When tomorrow starts in WeCom's time zone, as UTC.</summary>
    public DateTime NextDayUtc()
    {
        var midnight = Today.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return TimeZoneInfo.ConvertTimeToUtc(midnight, _zone);
    }

    /// <returns>How many of <paramref name="wanted"/> groups may be sent today.</returns>
    public async Task<int> ReserveAsync(string handover, int wanted, CancellationToken ct)
    {
        var day = Today;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO group_transfer_quota (handover_userid, day, used) VALUES (@handover, @day, 0) ON CONFLICT DO NOTHING",
            new { handover, day }, transaction, cancellationToken: ct));
        var used = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT used FROM group_transfer_quota WHERE handover_userid = @handover AND day = @day FOR UPDATE",
            new { handover, day }, transaction, cancellationToken: ct));
        var granted = Math.Clamp(options.Value.Transfer.GroupsPerOwnerPerDay - used, 0, wanted);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE group_transfer_quota SET used = used + @granted WHERE handover_userid = @handover AND day = @day",
            new { handover, day, granted }, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        return granted;
    }

    /// <summary>Gives back what a call that WeCom rejected before acting (a throttle) did not use.</summary>
    public async Task ReleaseAsync(string handover, int count, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE group_transfer_quota SET used = GREATEST(0, used - @count) WHERE handover_userid = @handover AND day = @day",
            new { handover, count, day = Today }, cancellationToken: ct));
    }
}
