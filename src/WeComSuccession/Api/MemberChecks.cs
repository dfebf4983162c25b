using Dapper;
using Npgsql;

namespace WeComSuccession.Api;

internal sealed record MemberEligibility(short Status, bool CustomerContact);

/// <summary>Who may be named as a successor by a person: the directory snapshot decides.</summary>
internal static class MemberChecks
{
    /// <returns>Null when <paramref name="userId"/> is an active member (status 1) with the customer-contact permission.</returns>
    public static async Task<StoreError?> EligibleSuccessorAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string userId, string field, CancellationToken ct)
    {
        var member = await connection.QuerySingleOrDefaultAsync<MemberEligibility>(new CommandDefinition(
            "SELECT status, customer_contact FROM members WHERE userid = @userId", new { userId }, transaction, cancellationToken: ct));
        return member switch
        {
            null => StoreError.Invalid(field, $"'{userId}' is not a known member."),
            { Status: not 1 } => StoreError.Invalid(field, $"'{userId}' is not an active member (status {member.Status})."),
            { CustomerContact: false } => StoreError.Invalid(field, $"'{userId}' has no customer-contact (客户联系) permission."),
            _ => null,
        };
    }
}
