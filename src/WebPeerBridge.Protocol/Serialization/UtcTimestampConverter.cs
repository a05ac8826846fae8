using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WebPeerBridge.Protocol.Serialization;

/// <summary>
/// Writes timestamps as ISO 8601 in UTC with millisecond precision and a <c>Z</c> (<c>2026-11-24T10:00:00.000Z</c>)
/// without allocating; reads any ISO 8601 form System.Text.Json understands.
/// </summary>
internal sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset().ToUniversalTime();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        Span<byte> buffer = stackalloc byte[32];
        if (value.UtcDateTime.TryFormat(buffer, out var written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))
        {
            writer.WriteStringValue(buffer[..written]);
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
