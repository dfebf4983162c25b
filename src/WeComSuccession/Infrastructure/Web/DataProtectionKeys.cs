using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace WeComSuccession.Infrastructure.Web;

/// <summary>
/// The Data Protection key ring in PostgreSQL (<c>data_protection_keys</c>), so that a cookie issued by one node is
/// read by every node and survives restarts. Keys are few and small; the framework caches them and asks again only
/// when one is due to expire. Its interface is synchronous.
/// </summary>
internal sealed class DataProtectionKeys(IServiceProvider services) : IXmlRepository
{
    // Resolved at the first key read, not when the key ring's options are built at start: a data source built before
    // the options are validated would report one bad key instead of all of them.
    private readonly Lazy<NpgsqlDataSource> _db = new(services.GetRequiredService<NpgsqlDataSource>);

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = _db.Value.CreateCommand("SELECT xml FROM data_protection_keys ORDER BY id");
        using var reader = command.ExecuteReader();
        var keys = new List<XElement>();
        while (reader.Read())
        {
            keys.Add(XElement.Parse(reader.GetString(0)));
        }

        return keys;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var command = _db.Value.CreateCommand(
            "INSERT INTO data_protection_keys (friendly_name, xml) VALUES ($1, $2) ON CONFLICT (friendly_name) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = friendlyName });
        command.Parameters.Add(new NpgsqlParameter { Value = element.ToString(SaveOptions.DisableFormatting) });
        command.ExecuteNonQuery();
    }
}
