using System.Buffers;
using System.Text;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Serialization;

namespace WebPeerBridge.Protocol.Tests;

// How a line that is no valid frame is classified: bad_json, bad_frame or unknown_type, never an exception.
public partial class FrameCodecTests
{
    [Theory]
    [InlineData("{")]
    [InlineData("}")]
    [InlineData("not json")]
    [InlineData("{'type':'ping'}")]
    [InlineData("{type:\"ping\"}")]
    [InlineData("{\"type\":\"ping\",}")]
    [InlineData("{\"type\":\"ping\"")]
    [InlineData("{\"type\":\"say\",\"id\":\"c-1\",\"text\":\"unterminated}")]
    [InlineData("{\"type\":\"say\",\"id\":\"c-1\",\"text\":\"bad escape \\x\"}")]
    [InlineData("{\"type\":\"say\",\"id\":\"c-1\",\"text\":\"raw\ttab\"}")]
    [InlineData("{\"type\":\"ping\"} // comment")]
    [InlineData("/* comment */ {\"type\":\"ping\"}")]
    [InlineData("{\"type\":\"said\",\"seq\":01,\"from\":\"a\",\"text\":\"x\",\"at\":\"2026-11-24T10:00:00Z\"}")]
    [InlineData("{\"type\":\"said\",\"seq\":NaN,\"from\":\"a\",\"text\":\"x\",\"at\":\"2026-11-24T10:00:00Z\"}")]
    [InlineData("")]
    public void Malformed_json_is_bad_json(string line)
    {
        var result = Wire.Decode(line);

        Assert.False(result.IsSuccess);
        Assert.Equal(ErrorCodes.BadJson, result.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(result.ErrorMessage));
    }

    [Theory]
    [InlineData("{\"type\":\"ping\"}x")]
    [InlineData("{\"type\":\"ping\"} {\"type\":\"bye\"}")]
    [InlineData("{\"type\":\"ping\"}{\"type\":\"bye\"}")]
    [InlineData("{\"type\":\"ping\"}}")]
    [InlineData("{\"type\":\"ping\"},")]
    public void Anything_after_the_object_is_bad_json(string line)
    {
        // One frame is one JSON object on a line; a second frame glued to the first must not vanish silently.
        Assert.Equal(ErrorCodes.BadJson, Wire.Decode(line).ErrorCode);
    }

    [Fact]
    public void Whitespace_after_the_object_is_allowed()
    {
        Assert.IsType<Ping>(Wire.Decode("{\"type\":\"ping\"} \t ").Frame);
    }

    [Fact]
    public void Every_strict_prefix_of_a_frame_is_bad_json()
    {
        var json = Wire.JsonOf(SampleFrames.All["welcome_full"]);

        for (var length = 0; length < json.Length; length++)
        {
            var result = FrameCodec.Decode(new ReadOnlySequence<byte>(json, 0, length));
            Assert.True(ErrorCodes.BadJson == result.ErrorCode, $"Prefix of {length} bytes: {result.ErrorCode} {result.ErrorMessage}");
        }
    }

    [Theory]
    [InlineData("{\"type\":\"say\",\"id\":\"c-1\",\"text\":\"\\ud800\"}")]
    [InlineData("{\"type\":\"say\",\"id\":\"c-1\",\"text\":\"a\\udc00b\"}")]
    [InlineData("{\"type\":\"say\",\"id\":\"c-1\",\"text\":\"\\udc4b\\ud83d\"}")]
    [InlineData("{\"type\":\"hello\",\"version\":1,\"name\":\"\\ud800\"}")]
    [InlineData("{\"type\":\"dm\",\"id\":\"\\ud800\",\"text\":\"x\"}")]
    [InlineData("{\"type\":\"\\ud800\"}")]
    [InlineData("{\"type\":\"say\",\"\\ud800\":1,\"id\":\"c-1\",\"text\":\"x\"}")]
    public void A_lone_surrogate_escape_is_bad_json(string line)
    {
        Assert.Equal(ErrorCodes.BadJson, Wire.Decode(line).ErrorCode);
    }

    [Fact]
    public void A_lone_surrogate_in_an_unknown_field_is_skipped_with_the_field()
    {
        // Unknown fields are skipped unread, so their strings are never turned into text: nothing to refuse.
        var say = Wire.DecodeAs<Say>("{\"type\":\"say\",\"id\":\"c-1\",\"text\":\"x\",\"extra\":\"\\ud800\"}");

        Assert.Equal(new Say("c-1", "x"), say);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC3 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xF0, 0x9F, 0x91 })]
    public void Invalid_utf8_in_a_string_is_bad_json(byte[] invalid)
    {
        var line = Wire.Bytes("{\"type\":\"say\",\"id\":\"c-1\",\"text\":\"a").Concat(invalid).Concat(Wire.Bytes("b\"}")).ToArray();

        Assert.Equal(ErrorCodes.BadJson, FrameCodec.Decode(line.AsSpan()).ErrorCode);
    }

    [Theory]
    [InlineData(65)]
    [InlineData(100)]
    [InlineData(10_000)]
    public void Json_nested_deeper_than_64_is_bad_json(int depth)
    {
        // The frame object is level 1; the unknown field adds depth - 1 levels of arrays.
        var line = "{\"type\":\"ping\",\"x\":" + new string('[', depth - 1) + new string(']', depth - 1) + "}";

        Assert.Equal(ErrorCodes.BadJson, Wire.Decode(line).ErrorCode);
    }

    [Fact]
    public void Json_nested_exactly_64_deep_is_accepted()
    {
        var line = "{\"type\":\"ping\",\"x\":" + new string('[', 63) + new string(']', 63) + "}";

        Assert.IsType<Ping>(Wire.Decode(line).Frame);
    }

    [Fact]
    public void Objects_nested_deeper_than_64_are_bad_json()
    {
        var nested = string.Concat(Enumerable.Repeat("{\"a\":", 64)) + "1" + new string('}', 64);

        Assert.Equal(ErrorCodes.BadJson, Wire.Decode("{\"type\":\"ping\",\"x\":" + nested + "}").ErrorCode);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"name\":\"alice\"}")]
    [InlineData("{\"type\":1}")]
    [InlineData("{\"type\":null}")]
    [InlineData("{\"type\":true}")]
    [InlineData("{\"type\":[\"ping\"]}")]
    [InlineData("{\"type\":{\"name\":\"ping\"}}")]
    [InlineData("{\"inner\":{\"type\":\"ping\"}}")]
    [InlineData("[]")]
    [InlineData("[{\"type\":\"ping\"}]")]
    [InlineData("null")]
    [InlineData("\"ping\"")]
    [InlineData("42")]
    [InlineData("true")]
    public void Valid_json_that_is_no_object_with_a_string_type_is_bad_frame(string line)
    {
        var result = Wire.Decode(line);

        Assert.Equal(ErrorCodes.BadFrame, result.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(result.ErrorMessage));
    }

    [Theory]
    [InlineData("dance")]
    [InlineData("PING")]
    [InlineData("Hello")]
    [InlineData("")]
    [InlineData(" ping")]
    [InlineData("to_peer")]
    public void A_type_that_is_no_frame_is_unknown_type(string type)
    {
        var result = Wire.Decode($"{{\"type\":\"{type}\",\"id\":\"c-1\",\"text\":\"x\"}}");

        Assert.Equal(ErrorCodes.UnknownType, result.ErrorCode);
    }

    [Fact]
    public void Unknown_type_message_does_not_echo_a_huge_type()
    {
        var type = new string('x', 10_000);

        var result = Wire.Decode($"{{\"type\":\"{type}\"}}");

        Assert.Equal(ErrorCodes.UnknownType, result.ErrorCode);
        Assert.InRange(result.ErrorMessage!.Length, 1, 200);
    }

    [Theory]
    [InlineData("{\"type\":\"say\",\"id\":\"c-1\"}")]
    [InlineData("{\"type\":\"hello\",\"version\":1}")]
    [InlineData("{\"type\":\"hello\",\"name\":\"alice\"}")]
    [InlineData("{\"type\":\"said\",\"id\":\"c-1\",\"from\":\"a\",\"text\":\"x\",\"at\":\"2026-11-24T10:00:00Z\"}")]
    [InlineData("{\"type\":\"said\",\"seq\":1,\"from\":\"a\",\"text\":\"x\"}")]
    [InlineData("{\"type\":\"said\",\"seq\":1,\"text\":\"x\",\"at\":\"2026-11-24T10:00:00Z\"}")]
    [InlineData("{\"type\":\"welcome\",\"token\":\"t\",\"peers\":[],\"history\":[]}")]
    [InlineData("{\"type\":\"welcome\",\"you\":{\"name\":\"a\",\"host\":\"h\",\"port\":1,\"since\":\"2026-11-24T10:00:00Z\"},\"token\":\"t\",\"history\":[]}")]
    [InlineData("{\"type\":\"welcome\",\"you\":{\"name\":\"a\",\"host\":\"h\",\"port\":1},\"token\":\"t\",\"peers\":[],\"history\":[]}")]
    [InlineData("{\"type\":\"joined\"}")]
    [InlineData("{\"type\":\"joined\",\"peer\":{\"host\":\"h\",\"port\":1,\"since\":\"2026-11-24T10:00:00Z\"}}")]
    [InlineData("{\"type\":\"left\",\"name\":\"alice\"}")]
    [InlineData("{\"type\":\"error\",\"message\":\"m\"}")]
    [InlineData("{\"type\":\"dm\",\"text\":\"x\"}")]
    [InlineData("{\"type\":\"ack\"}")]
    public void A_missing_required_field_is_bad_frame(string line)
    {
        Assert.Equal(ErrorCodes.BadFrame, Wire.Decode(line).ErrorCode);
    }

    [Theory]
    [InlineData("{\"type\":\"say\",\"id\":\"c-1\",\"text\":null}")]
    [InlineData("{\"type\":\"hello\",\"version\":1,\"name\":null}")]
    [InlineData("{\"type\":\"hello\",\"version\":null,\"name\":\"alice\"}")]
    [InlineData("{\"type\":\"joined\",\"peer\":null}")]
    [InlineData("{\"type\":\"welcome\",\"you\":{\"name\":\"a\",\"host\":\"h\",\"port\":1,\"since\":\"2026-11-24T10:00:00Z\"},\"token\":\"t\",\"peers\":null,\"history\":[]}")]
    [InlineData("{\"type\":\"welcome\",\"you\":{\"name\":\"a\",\"host\":\"h\",\"port\":1,\"since\":\"2026-11-24T10:00:00Z\"},\"token\":\"t\",\"peers\":[null],\"history\":[]}")]
    [InlineData("{\"type\":\"ack\",\"id\":null}")]
    public void Null_in_a_required_field_is_bad_frame(string line)
    {
        Assert.Equal(ErrorCodes.BadFrame, Wire.Decode(line).ErrorCode);
    }

    [Theory]
    [InlineData("{\"type\":\"say\",\"text\":\"hi\"}")]
    [InlineData("{\"type\":\"say\",\"id\":null,\"text\":\"hi\"}")]
    public void A_say_without_id_decodes_so_that_hand_typed_frames_work(string line)
    {
        var say = Assert.IsType<Say>(Wire.Decode(line).Frame);

        Assert.Null(say.Id);
        Assert.Equal("hi", say.Text);
    }

    [Theory]
    [InlineData("{\"type\":\"say\",\"id\":\"c-1\",\"text\":5}")]
    [InlineData("{\"type\":\"say\",\"id\":17,\"text\":\"hi\"}")]
    [InlineData("{\"type\":\"say\",\"id\":\"c-1\",\"text\":[\"hi\"]}")]
    [InlineData("{\"type\":\"say\",\"id\":\"c-1\",\"text\":{\"value\":\"hi\"}}")]
    [InlineData("{\"type\":\"hello\",\"version\":\"1\",\"name\":\"alice\"}")]
    [InlineData("{\"type\":\"hello\",\"version\":1.5,\"name\":\"alice\"}")]
    [InlineData("{\"type\":\"hello\",\"version\":99999999999,\"name\":\"alice\"}")]
    [InlineData("{\"type\":\"hello\",\"version\":1,\"name\":\"alice\",\"peerPort\":\"40001\"}")]
    [InlineData("{\"type\":\"hello\",\"version\":1,\"name\":\"alice\",\"since\":\"41\"}")]
    [InlineData("{\"type\":\"hello\",\"version\":1,\"name\":\"alice\",\"host\":127}")]
    [InlineData("{\"type\":\"said\",\"seq\":\"42\",\"from\":\"a\",\"text\":\"x\",\"at\":\"2026-11-24T10:00:00Z\"}")]
    [InlineData("{\"type\":\"said\",\"seq\":1,\"from\":\"a\",\"text\":\"x\",\"at\":\"yesterday\"}")]
    [InlineData("{\"type\":\"said\",\"seq\":1,\"from\":\"a\",\"text\":\"x\",\"at\":1764000000}")]
    [InlineData("{\"type\":\"dm\",\"id\":\"d-1\",\"text\":\"x\",\"at\":\"2026-13-45T10:00:00Z\"}")]
    [InlineData("{\"type\":\"welcome\",\"you\":{\"name\":\"a\",\"host\":\"h\",\"port\":1,\"since\":\"2026-11-24T10:00:00Z\"},\"token\":\"t\",\"peers\":{},\"history\":[]}")]
    [InlineData("{\"type\":\"welcome\",\"you\":{\"name\":\"a\",\"host\":\"h\",\"port\":1,\"since\":\"2026-11-24T10:00:00Z\"},\"token\":\"t\",\"peers\":[],\"history\":[],\"skipped\":\"3\"}")]
    [InlineData("{\"type\":\"joined\",\"peer\":\"alice\"}")]
    [InlineData("{\"type\":\"joined\",\"peer\":{\"name\":\"a\",\"host\":\"h\",\"port\":\"1\",\"since\":\"2026-11-24T10:00:00Z\"}}")]
    public void A_field_of_the_wrong_json_type_is_bad_frame(string line)
    {
        var result = Wire.Decode(line);

        Assert.Equal(ErrorCodes.BadFrame, result.ErrorCode);
        Assert.Contains('\'', result.ErrorMessage!);
    }

    [Theory]
    [InlineData("{\"type\":\"say\",\"id\":\"c-1\",\"text\":\"x\",\"text\":\"y\"}")]
    [InlineData("{\"type\":\"say\",\"id\":\"c-1\",\"id\":\"c-2\",\"text\":\"x\"}")]
    [InlineData("{\"type\":\"hello\",\"version\":1,\"name\":\"alice\",\"name\":\"mallory\"}")]
    [InlineData("{\"type\":\"joined\",\"peer\":{\"name\":\"a\",\"name\":\"b\",\"host\":\"h\",\"port\":1,\"since\":\"2026-11-24T10:00:00Z\"}}")]
    public void A_duplicate_property_is_bad_frame(string line)
    {
        // Which copy wins would differ between parsers: refuse rather than guess.
        Assert.Equal(ErrorCodes.BadFrame, Wire.Decode(line).ErrorCode);
    }

    [Theory]
    [InlineData("{\"type\":\"say\",\"type\":\"say\",\"id\":\"c-1\",\"text\":\"x\"}")]
    [InlineData("{\"type\":\"say\",\"id\":\"c-1\",\"text\":\"x\",\"type\":\"ping\"}")]
    public void A_duplicate_type_is_refused(string line)
    {
        var result = Wire.Decode(line);

        Assert.False(result.IsSuccess);
        Assert.Contains(result.ErrorCode, new[] { ErrorCodes.BadFrame, ErrorCodes.BadJson });
    }

    [Fact]
    public void Random_bytes_never_throw_and_always_give_a_known_error_code()
    {
        var random = new Random(20261124);
        var known = new[] { ErrorCodes.BadJson, ErrorCodes.BadFrame, ErrorCodes.UnknownType };
        var alphabet = Wire.Bytes("{}[]\":,\\ntype pingsayhello1-.eE\u00e9\ud83d\udc4b");

        for (var i = 0; i < 2000; i++)
        {
            var line = new byte[random.Next(0, 80)];
            for (var j = 0; j < line.Length; j++)
            {
                line[j] = i % 2 == 0 ? alphabet[random.Next(alphabet.Length)] : (byte)random.Next(256);
            }

            var result = FrameCodec.Decode(line.AsSpan());
            Assert.True(result.IsSuccess || known.Contains(result.ErrorCode), $"{Convert.ToHexString(line)}: {result.ErrorCode}");
        }
    }

    [Fact]
    public void Mutated_frames_never_throw_and_always_give_a_frame_or_a_known_error_code()
    {
        var random = new Random(42);
        var known = new[] { ErrorCodes.BadJson, ErrorCodes.BadFrame, ErrorCodes.UnknownType };
        var lines = SampleFrames.All.Values.Select(Wire.JsonOf).ToArray();

        for (var i = 0; i < 5000; i++)
        {
            var line = lines[random.Next(lines.Length)].ToArray();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                line[random.Next(line.Length)] = (byte)random.Next(256);
            }

            var result = FrameCodec.Decode(line.AsSpan());
            Assert.True(result.IsSuccess || known.Contains(result.ErrorCode), $"{Encoding.UTF8.GetString(line)}: {result.ErrorCode}");
            Assert.True(result.IsSuccess == (result.ErrorCode is null));
        }
    }
}
