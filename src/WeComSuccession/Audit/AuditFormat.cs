using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace WeComSuccession.Audit;

/// <summary>
/// The hashed form of one audit row. <c>canonical</c> is the UTF-8 text of a compact JSON array (no
/// whitespace, strings escaped by System.Text.Json with <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>):
/// <code>["wcs-audit/1", id, "yyyy-MM-ddTHH:mm:ss.ffffffZ", actor, action, entity_type, entity_id, before, after]</code>
/// where <c>at</c> is UTC truncated to microseconds (timestamptz precision) and <c>before</c>/<c>after</c> are the
/// JSON values as written (or <c>null</c>). <c>hash = SHA-256(prev_hash ‖ canonical)</c>, with the 32 raw bytes of
/// the previous row's hash, or 32 zero bytes for row 1.
/// <para>
/// jsonb re-orders keys and normalizes numbers, so the hash is never recomputed from the jsonb columns: the
/// canonical text is stored as written and hashed as stored, and the verifier checks that every other column
/// (jsonb compared by value) says what the canonical text says.
/// </para>
/// </summary>
internal static class AuditFormat
{
    public const string Version = "wcs-audit/1";
    public const int HashSize = 32;
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    public static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = false };

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    public static ReadOnlyMemory<byte> GenesisHash { get; } = new byte[HashSize];

    /// <summary>timestamptz keeps microseconds: the time that is hashed must be the time that is stored.</summary>
    public static DateTime ToStoredTime(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % 10), DateTimeKind.Utc);

    public static string FormatTime(DateTime utc) => utc.ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <summary>Writes the canonical UTF-8 bytes of one row into <paramref name="buffer"/> (which it clears first).</summary>
    public static void WriteCanonical(ArrayBufferWriter<byte> buffer, long id, DateTime at, string actor, string action, string entityType, string entityId, string? before, string? after)
    {
        buffer.Clear();
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        writer.WriteStartArray();
        writer.WriteStringValue(Version);
        writer.WriteNumberValue(id);
        writer.WriteStringValue(FormatTime(at));
        writer.WriteStringValue(actor);
        writer.WriteStringValue(action);
        writer.WriteStringValue(entityType);
        writer.WriteStringValue(entityId);
        WriteJsonOrNull(writer, before);
        WriteJsonOrNull(writer, after);
        writer.WriteEndArray();
        writer.Flush();
    }

    public static void ComputeHash(IncrementalHash sha256, ReadOnlySpan<byte> prevHash, ReadOnlySpan<byte> canonical, Span<byte> hash)
    {
        sha256.AppendData(prevHash);
        sha256.AppendData(canonical);
        sha256.GetHashAndReset(hash);
    }

    private static void WriteJsonOrNull(Utf8JsonWriter writer, string? json)
    {
        if (json is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            // Written by JsonNode.ToJsonString a moment ago: valid, and compact already.
            writer.WriteRawValue(json, skipInputValidation: true);
        }
    }
}
