using System.Buffers;
using System.Text;
using System.Text.Json;
using WebPeerBridge.Protocol.Serialization;

namespace WebPeerBridge.Protocol.Tests;

public class MinimalJsonEncoderTests
{
    private static readonly MinimalJsonEncoder Encoder = MinimalJsonEncoder.Instance;

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x0A)]
    [InlineData(0x1F)]
    [InlineData('"')]
    [InlineData('\\')]
    [InlineData(0x7F)]
    [InlineData(0x2028)]
    [InlineData(0x2029)]
    [InlineData(0xD800)]
    [InlineData(0xDFFF)]
    public void Json_specials_control_characters_line_separators_and_surrogates_are_encoded(int scalar)
    {
        Assert.True(Encoder.WillEncode(scalar));
    }

    [Theory]
    [InlineData(' ')]
    [InlineData('a')]
    [InlineData('/')]
    [InlineData('<')]
    [InlineData('>')]
    [InlineData('&')]
    [InlineData('\'')]
    [InlineData('+')]
    [InlineData('`')]
    [InlineData(0x80)]
    [InlineData(0xA0)]
    [InlineData(0xE9)]
    [InlineData(0x540D)]
    [InlineData(0xFEFF)]
    [InlineData(0xFFFD)]
    [InlineData(0x1F44B)]
    [InlineData(0x10FFFF)]
    public void Everything_else_is_kept_as_it_is(int scalar)
    {
        Assert.False(Encoder.WillEncode(scalar));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("plain", "plain")]
    [InlineData("Zoë 名前 Ωμέγα", "Zoë 名前 Ωμέγα")]
    [InlineData("👋🏽 𝄞", "👋🏽 𝄞")]
    [InlineData("<b>&amp;'x'</b>", "<b>&amp;'x'</b>")]
    [InlineData("a\"b", "a\\\"b")]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("\n\r\t\b\f", "\\n\\r\\t\\b\\f")]
    [InlineData("\u0000\u0001\u001f", "\\u0000\\u0001\\u001f")]
    [InlineData("\u007f", "\\u007f")]
    [InlineData("a\u2028b\u2029c", "a\\u2028b\\u2029c")]
    public void Encode_escapes_only_what_json_requires(string input, string expected)
    {
        Assert.Equal(expected, Encoder.Encode(input));
    }

    [Theory]
    [InlineData("plain", -1)]
    [InlineData("", -1)]
    [InlineData("\"", 0)]
    [InlineData("ab\\c", 2)]
    [InlineData("Zoë\n", 3)]
    [InlineData("👋x", -1)]
    [InlineData("👋\u0001", 2)]
    [InlineData("a\\ud800b", 1)]
    [InlineData("a\\udc00", 1)]
    [InlineData("ab\\ud83d", 2)]
    [InlineData("\\udc4b\\ud83d", 0)]
    [InlineData("\\ud83d\\ud83d\\udc4b", 0)]
    [InlineData("é\u2028", 1)]
    public void FindFirstCharacterToEncode_skips_surrogate_pairs_and_stops_at_lone_surrogates(string input, int expected)
    {
        Assert.Equal(expected, FindFirst(Wire.Unescape(input)));
    }

    [Theory]
    [InlineData("plain", -1)]
    [InlineData("Zoë 👋 名前", -1)]
    [InlineData("ab\"", 2)]
    [InlineData("é\n", 2)]
    [InlineData("👋\u2028", 4)]
    public void FindFirstCharacterToEncodeUtf8_gives_the_byte_offset(string input, int expected)
    {
        Assert.Equal(expected, Encoder.FindFirstCharacterToEncodeUtf8(Encoding.UTF8.GetBytes(input)));
    }

    [Fact]
    public void EncodeUtf8_keeps_multibyte_characters_and_escapes_specials()
    {
        var source = Encoding.UTF8.GetBytes("Zoë \"👋\"\n");
        var destination = new byte[64];

        var status = Encoder.EncodeUtf8(source, destination, out var consumed, out var written);

        Assert.Equal(OperationStatus.Done, status);
        Assert.Equal(source.Length, consumed);
        Assert.Equal("Zoë \\\"👋\\\"\\n", Encoding.UTF8.GetString(destination, 0, written));
    }

    [Fact]
    public void EncodeUtf8_reports_a_destination_too_small()
    {
        var source = Encoding.UTF8.GetBytes("ab\u0001");
        var destination = new byte[5];

        var status = Encoder.EncodeUtf8(source, destination, out var consumed, out var written);

        Assert.Equal(OperationStatus.DestinationTooSmall, status);
        Assert.Equal(2, consumed);
        Assert.Equal("ab", Encoding.UTF8.GetString(destination, 0, written));
    }

    [Fact]
    public void Encode_into_a_span_too_small_for_an_escape_reports_it()
    {
        var destination = new char[3];

        var status = Encoder.Encode("a\u0001", destination, out var consumed, out var written);

        Assert.Equal(OperationStatus.DestinationTooSmall, status);
        Assert.Equal(1, consumed);
        Assert.Equal(1, written);
    }

    [Fact]
    public void A_json_writer_using_it_writes_utf8_and_valid_json()
    {
        const string text = "Zoë \"quoted\" \\ 名前 👋 <tag> \u0001 \u2028 end";
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteString("näme", text);
            writer.WriteEndObject();
        }

        var json = Encoding.UTF8.GetString(output.WrittenSpan);

        Assert.Equal("{\"näme\":\"Zoë \\\"quoted\\\" \\\\ 名前 👋 <tag> \\u0001 \\u2028 end\"}", json);
        using var document = JsonDocument.Parse(output.WrittenMemory);
        Assert.Equal(text, document.RootElement.GetProperty("näme").GetString());
    }

    [Fact]
    public void Every_bmp_character_and_some_supplementary_ones_survive_a_json_round_trip()
    {
        var builder = new StringBuilder();
        for (var c = 0; c < 0x10000; c++)
        {
            if (c is < 0xD800 or > 0xDFFF)
            {
                builder.Append((char)c);
            }
        }

        builder.Append("👋🏽𝄞\U0010FFFF");
        var text = builder.ToString();
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = Encoder }))
        {
            writer.WriteStringValue(text);
        }

        var reader = new Utf8JsonReader(output.WrittenSpan);
        Assert.True(reader.Read());
        Assert.Equal(text, reader.GetString());
        Assert.DoesNotContain(output.WrittenSpan.ToArray(), b => b < 0x20);
    }

    [Fact]
    public void At_most_six_characters_are_written_per_input_character()
    {
        Assert.Equal(6, Encoder.MaxOutputCharactersPerInputCharacter);
    }

    private static unsafe int FindFirst(string text)
    {
        fixed (char* pointer = text)
        {
            return Encoder.FindFirstCharacterToEncode(pointer, text.Length);
        }
    }
}
