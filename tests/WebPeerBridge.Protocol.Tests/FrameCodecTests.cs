using System.Buffers;
using System.Text;
using System.Text.Json;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Serialization;

namespace WebPeerBridge.Protocol.Tests;

public partial class FrameCodecTests
{
    [Fact]
    public void Said_is_written_as_one_utf8_line_without_unicode_escapes()
    {
        var said = new Said(42, "c-17", "Zoë", "héllo 👋 <b>", new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero));

        var line = Encoding.UTF8.GetString(FrameCodec.ToLine(said));

        Assert.Equal("{\"type\":\"said\",\"seq\":42,\"id\":\"c-17\",\"from\":\"Zoë\",\"text\":\"héllo 👋 <b>\",\"at\":\"2026-11-24T10:00:00.000Z\"}\n", line);
    }

    [Fact]
    public void Unknown_type_is_reported_as_unknown_type()
    {
        var result = FrameCodec.Decode(new ReadOnlySequence<byte>("{\"type\":\"dance\"}"u8.ToArray()));

        Assert.Equal(ErrorCodes.UnknownType, result.ErrorCode);
    }

    // ---- Round trips ----

    [Theory]
    [MemberData(nameof(SampleFrames.Names), MemberType = typeof(SampleFrames))]
    public void Every_frame_decodes_to_what_was_written(string name)
    {
        var frame = SampleFrames.All[name];

        FrameAssert.Equal(frame, Wire.RoundTrip(frame));
    }

    [Theory]
    [MemberData(nameof(SampleFrames.Names), MemberType = typeof(SampleFrames))]
    public void Every_frame_is_one_line_ending_in_a_single_newline(string name)
    {
        var line = FrameCodec.ToLine(SampleFrames.All[name]);

        Assert.Equal((byte)'\n', line[^1]);
        Assert.Equal(1, line.Count(b => b == (byte)'\n'));
        Assert.DoesNotContain((byte)'\r', line);
    }

    [Theory]
    [MemberData(nameof(SampleFrames.Names), MemberType = typeof(SampleFrames))]
    public void Every_frame_starts_with_its_type_discriminator(string name)
    {
        using var json = JsonDocument.Parse(Wire.JsonOf(SampleFrames.All[name]));

        var first = json.RootElement.EnumerateObject().First();
        Assert.Equal("type", first.Name);
        Assert.Equal(SampleFrames.TypeOf(name), first.Value.GetString());
        Assert.True(FrameTypes.IsKnown(first.Value.GetString()!));
    }

    [Theory]
    [MemberData(nameof(SampleFrames.Names), MemberType = typeof(SampleFrames))]
    public void Every_property_name_is_camel_case_and_no_property_is_null(string name)
    {
        using var json = JsonDocument.Parse(Wire.JsonOf(SampleFrames.All[name]));

        AssertCamelCaseWithoutNulls(json.RootElement);
    }

    [Fact]
    public void Hello_with_every_optional_field_round_trips_field_by_field()
    {
        var hello = new Hello(1, "alice", 40001, "fe80::1%eth0", 1234567890123, "tok");

        var decoded = Assert.IsType<Hello>(Wire.RoundTrip(hello));

        Assert.Equal(1, decoded.Version);
        Assert.Equal("alice", decoded.Name);
        Assert.Equal(40001, decoded.PeerPort);
        Assert.Equal("fe80::1%eth0", decoded.Host);
        Assert.Equal(1234567890123, decoded.Since);
        Assert.Equal("tok", decoded.Resume);
    }

    [Fact]
    public void Hello_with_every_field_is_written_with_camel_case_names_in_declaration_order()
    {
        var line = Wire.LineOf(new Hello(1, "alice", 40001, "192.168.1.20", 41, "tok"));

        Assert.Equal("{\"type\":\"hello\",\"version\":1,\"name\":\"alice\",\"peerPort\":40001,\"host\":\"192.168.1.20\",\"since\":41,\"resume\":\"tok\"}\n", line);
    }

    [Fact]
    public void Hello_without_optional_fields_omits_them_instead_of_writing_null()
    {
        var line = Wire.LineOf(new Hello(1, "bob"));

        Assert.Equal("{\"type\":\"hello\",\"version\":1,\"name\":\"bob\"}\n", line);
    }

    [Fact]
    public void Frames_without_fields_are_only_their_type()
    {
        Assert.Equal("{\"type\":\"ping\"}\n", Wire.LineOf(Ping.Instance));
        Assert.Equal("{\"type\":\"pong\"}\n", Wire.LineOf(Pong.Instance));
        Assert.Equal("{\"type\":\"bye\"}\n", Wire.LineOf(Bye.Instance));
    }

    [Fact]
    public void Error_without_id_omits_it_and_with_id_writes_it_last()
    {
        Assert.Equal("{\"type\":\"error\",\"code\":\"bad_json\",\"message\":\"m\"}\n", Wire.LineOf(new ErrorFrame(ErrorCodes.BadJson, "m")));
        Assert.Equal("{\"type\":\"error\",\"code\":\"empty_text\",\"message\":\"m\",\"id\":\"c-1\"}\n", Wire.LineOf(new ErrorFrame(ErrorCodes.EmptyText, "m", "c-1")));
    }

    [Fact]
    public void Said_without_id_omits_it()
    {
        var line = Wire.LineOf(new Said(1, null, "alice", "x", SampleFrames.At));

        Assert.Equal("{\"type\":\"said\",\"seq\":1,\"from\":\"alice\",\"text\":\"x\",\"at\":\"2026-11-24T10:00:00.123Z\"}\n", line);
    }

    [Fact]
    public void Dm_without_at_omits_it()
    {
        Assert.Equal("{\"type\":\"dm\",\"id\":\"d-5\",\"text\":\"psst\"}\n", Wire.LineOf(new Dm("d-5", "psst")));
    }

    [Fact]
    public void Welcome_is_written_with_peers_and_history_as_arrays_and_skipped_when_set()
    {
        var welcome = new Welcome(
            SampleFrames.Alice,
            "tok",
            [SampleFrames.SeedPeer],
            [new Said(9, "c-1", "alice", "hi", SampleFrames.At)],
            Skipped: 3);

        var line = Wire.LineOf(welcome);

        Assert.Equal(
            "{\"type\":\"welcome\","
            + "\"you\":{\"name\":\"alice\",\"host\":\"192.168.1.20\",\"port\":40001,\"since\":\"2026-11-24T10:00:00.123Z\",\"protocol\":\"v1\"},"
            + "\"token\":\"tok\","
            + "\"peers\":[{\"name\":\"名前\",\"host\":\"127.0.0.1\",\"port\":5555,\"since\":\"2026-11-24T09:00:00.123Z\",\"protocol\":\"seed\"}],"
            + "\"history\":[{\"seq\":9,\"id\":\"c-1\",\"from\":\"alice\",\"text\":\"hi\",\"at\":\"2026-11-24T10:00:00.123Z\"}],"
            + "\"skipped\":3}\n",
            line);
    }

    [Fact]
    public void Welcome_without_skipped_omits_it_and_keeps_empty_lists()
    {
        var line = Wire.LineOf(new Welcome(SampleFrames.Alice, "tok", [], []));

        Assert.EndsWith(",\"token\":\"tok\",\"peers\":[],\"history\":[]}\n", line);
        Assert.DoesNotContain("skipped", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Welcome_lists_keep_their_order()
    {
        var history = Enumerable.Range(1, 50).Select(i => new Said(i, $"c-{i}", "alice", $"message {i}", SampleFrames.At.AddSeconds(i))).ToArray();
        var welcome = new Welcome(SampleFrames.Alice, "tok", [SampleFrames.Zoe, SampleFrames.SeedPeer, SampleFrames.Alice], history);

        var decoded = Assert.IsType<Welcome>(Wire.RoundTrip(welcome));

        Assert.Equal(welcome.Peers, decoded.Peers);
        Assert.Equal(history, decoded.History);
    }

    // ---- Text on the wire ----

    [Fact]
    public void Non_ascii_and_emoji_are_written_as_utf8_bytes_not_escapes()
    {
        const string text = "Zoë Ωμέγα 名前 Привет مرحبا 👋🏽 𝄞";
        var line = FrameCodec.ToLine(new Say("c-1", text));

        Assert.DoesNotContain("\\u", Encoding.UTF8.GetString(line), StringComparison.Ordinal);
        Assert.True(line.AsSpan().IndexOf(Wire.Bytes(text)) >= 0, "The text should appear as its own UTF-8 bytes.");
        Assert.Equal(text, Assert.IsType<Say>(Wire.RoundTrip(new Say("c-1", text))).Text);
    }

    [Fact]
    public void Html_sensitive_characters_are_not_escaped()
    {
        const string text = "<script>a && b</script> 'x' + `y`";

        var line = Wire.LineOf(new Say("c-1", text));

        Assert.Contains(text, line, StringComparison.Ordinal);
    }

    [Fact]
    public void Control_characters_quotes_and_backslashes_are_escaped()
    {
        const string text = "a\u0001b\nc\td\"e\\f\rg\u0000h\u001fi\u007fj\u2028k\u2029l\bm\fn";

        var line = Wire.LineOf(new Say("c-1", text));

        Assert.Contains("\"text\":\"a\\u0001b\\nc\\td\\\"e\\\\f\\rg\\u0000h\\u001fi\\u007fj\\u2028k\\u2029l\\bm\\fn\"", line, StringComparison.Ordinal);
        Assert.DoesNotContain(line[..^1], c => c < 0x20 || c is '\u007f' or '\u2028' or '\u2029');
        Assert.Equal(text, Assert.IsType<Say>(Wire.RoundTrip(new Say("c-1", text))).Text);
    }

    [Fact]
    public void Property_names_and_values_with_quotes_are_escaped_in_names_too()
    {
        var frame = new ErrorFrame("code\"x", "line1\nline2", "id\\1");

        var decoded = Assert.IsType<ErrorFrame>(Wire.RoundTrip(frame));

        Assert.Equal(frame, decoded);
    }

    [Fact]
    public void A_lone_surrogate_in_a_text_is_written_as_a_replacement_character_the_reader_accepts()
    {
        // Text typed in a browser can hold a lone surrogate (an emoji cut in half). Whatever the writer does with it,
        // the line must decode again, or a peer's own frame would come back as bad_json.
        var line = FrameCodec.ToLine(new Say("c-1", "cut \ud83d here"));

        var result = FrameCodec.Decode(new ReadOnlySequence<byte>(line[..^1]));

        Assert.True(result.IsSuccess, $"{result.ErrorCode}: {result.ErrorMessage}");
        Assert.Equal("cut \ufffd here", Assert.IsType<Say>(result.Frame).Text);
    }

    // ---- Timestamps ----

    [Fact]
    public void Timestamps_are_written_in_utc_with_milliseconds_and_z()
    {
        var at = new DateTimeOffset(2026, 11, 24, 12, 30, 15, 7, TimeSpan.FromHours(2));

        var line = Wire.LineOf(new Dm("d-1", "x", at));

        Assert.Contains("\"at\":\"2026-11-24T10:30:15.007Z\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Timestamps_with_an_offset_are_read_as_the_same_instant_in_utc()
    {
        var dm = Wire.DecodeAs<Dm>("{\"type\":\"dm\",\"id\":\"d-1\",\"text\":\"x\",\"at\":\"2026-11-24T12:00:00+02:00\"}");

        Assert.Equal(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero), dm.At);
        Assert.Equal(TimeSpan.Zero, dm.At!.Value.Offset);
    }

    [Theory]
    [InlineData("2026-11-24T10:00:00Z")]
    [InlineData("2026-11-24T10:00:00.000Z")]
    [InlineData("2026-11-24T10:00:00.0000000+00:00")]
    [InlineData("2026-11-24T11:00:00+01:00")]
    public void Timestamps_in_any_iso_8601_form_are_read(string at)
    {
        var said = Wire.DecodeAs<Said>($"{{\"type\":\"said\",\"seq\":1,\"from\":\"a\",\"text\":\"x\",\"at\":\"{at}\"}}");

        Assert.Equal(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero), said.At);
    }

    [Fact]
    public void Timestamps_keep_milliseconds_and_drop_finer_ticks()
    {
        var at = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero).AddTicks(1234);

        var decoded = Assert.IsType<Dm>(Wire.RoundTrip(new Dm("d-1", "x", at)));

        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero), decoded.At);
    }

    // ---- Reading what other implementations write ----

    [Fact]
    public void Optional_fields_written_as_null_are_accepted()
    {
        var hello = Wire.DecodeAs<Hello>("{\"type\":\"hello\",\"version\":1,\"name\":\"alice\",\"peerPort\":40001,\"host\":null,\"since\":null,\"resume\":null}");

        Assert.Equal(new Hello(1, "alice", 40001), hello);
    }

    [Fact]
    public void Peer_link_hello_with_every_rendezvous_field_null_is_accepted()
    {
        var hello = Wire.DecodeAs<Hello>("{\"type\":\"hello\",\"version\":1,\"name\":\"bob\",\"peerPort\":null,\"host\":null,\"since\":null,\"resume\":null}");

        Assert.Equal(new Hello(1, "bob"), hello);
    }

    [Fact]
    public void Other_optional_fields_written_as_null_are_accepted()
    {
        Assert.Null(Wire.DecodeAs<Said>("{\"type\":\"said\",\"seq\":1,\"id\":null,\"from\":\"a\",\"text\":\"x\",\"at\":\"2026-11-24T10:00:00Z\"}").Id);
        Assert.Null(Wire.DecodeAs<ErrorFrame>("{\"type\":\"error\",\"code\":\"bad_json\",\"message\":\"m\",\"id\":null}").Id);
        Assert.Null(Wire.DecodeAs<Dm>("{\"type\":\"dm\",\"id\":\"d-1\",\"text\":\"x\",\"at\":null}").At);
        Assert.Null(Wire.DecodeAs<Welcome>("{\"type\":\"welcome\",\"you\":{\"name\":\"a\",\"host\":\"h\",\"port\":1,\"since\":\"2026-11-24T10:00:00Z\"},\"token\":\"t\",\"peers\":[],\"history\":[],\"skipped\":null}").Skipped);
    }

    [Fact]
    public void Peer_without_protocol_is_a_v1_peer()
    {
        var joined = Wire.DecodeAs<Joined>("{\"type\":\"joined\",\"peer\":{\"name\":\"a\",\"host\":\"10.0.0.1\",\"port\":40000,\"since\":\"2026-11-24T10:00:00Z\"}}");

        Assert.Equal(PeerProtocols.V1, joined.Peer.Protocol);
    }

    [Fact]
    public void Unknown_fields_are_ignored_at_every_level()
    {
        var welcome = Wire.DecodeAs<Welcome>(
            "{\"type\":\"welcome\",\"future\":{\"deep\":[1,2,{\"x\":null}]},\"flag\":true,"
            + "\"you\":{\"name\":\"a\",\"host\":\"h\",\"port\":1,\"since\":\"2026-11-24T10:00:00Z\",\"protocol\":\"v1\",\"avatar\":\"x.png\"},"
            + "\"token\":\"t\",\"peers\":[],"
            + "\"history\":[{\"seq\":1,\"from\":\"a\",\"text\":\"x\",\"at\":\"2026-11-24T10:00:00Z\",\"reactions\":[\"👍\"]}],"
            + "\"v2\":12.5e3}");

        Assert.Equal("a", welcome.You.Name);
        Assert.Equal(1, Assert.Single(welcome.History).Seq);
    }

    [Fact]
    public void Unknown_fields_on_a_frame_without_fields_are_ignored()
    {
        Assert.IsType<Ping>(Wire.Decode("{\"type\":\"ping\",\"nonce\":17,\"sentAt\":\"2026-11-24T10:00:00Z\"}").Frame);
    }

    [Theory]
    [InlineData("{\"text\":\"hi\",\"id\":\"c-1\",\"type\":\"say\"}")]
    [InlineData("{\"id\":\"c-1\",\"type\":\"say\",\"text\":\"hi\"}")]
    [InlineData("{\"extra\":{\"type\":\"ping\"},\"id\":\"c-1\",\"text\":\"hi\",\"type\":\"say\"}")]
    public void Type_need_not_be_the_first_property(string line)
    {
        Assert.Equal(new Say("c-1", "hi"), Wire.DecodeAs<Say>(line));
    }

    [Fact]
    public void Type_after_nested_objects_still_decodes()
    {
        var joined = Wire.DecodeAs<Joined>("{\"peer\":{\"name\":\"a\",\"host\":\"h\",\"port\":1,\"since\":\"2026-11-24T10:00:00Z\"},\"type\":\"joined\"}");

        Assert.Equal("a", joined.Peer.Name);
    }

    [Fact]
    public void Whitespace_between_tokens_is_allowed()
    {
        Assert.Equal(new Ack("d-1"), Wire.DecodeAs<Ack>("  { \"type\" :\t\"ack\" , \"id\" : \"d-1\" }  "));
    }

    [Fact]
    public void Escaped_text_from_other_writers_decodes()
    {
        // What System.Text.Json writes by default, and what a Python json.dumps writes.
        var say = Wire.DecodeAs<Say>("{\"type\":\"say\",\"id\":\"c-1\",\"text\":\"Zo\\u00EB \\ud83d\\udc4b \\u003Cb\\u003E \\/\"}");

        Assert.Equal("Zoë 👋 <b> /", say.Text);
    }

    [Fact]
    public void Decoding_a_span_is_the_same_as_decoding_a_sequence()
    {
        var json = Wire.JsonOf(SampleFrames.All["said"]);

        FrameAssert.Equal(SampleFrames.All["said"], FrameCodec.Decode(json.AsSpan()).Frame);
    }

    [Fact]
    public void A_line_split_into_segments_at_every_position_decodes_the_same()
    {
        var frame = SampleFrames.All["welcome_full"];
        var json = Wire.JsonOf(frame);

        for (var i = 0; i <= json.Length; i++)
        {
            FrameAssert.Equal(frame, FrameCodec.Decode(BufferSegment.SplitAt(json, i)).Frame);
        }

        FrameAssert.Equal(frame, FrameCodec.Decode(BufferSegment.BytewiseOf(json)).Frame);
    }

    // ---- Writers ----

    [Fact]
    public void ToLine_returns_a_new_array_each_time()
    {
        var first = FrameCodec.ToLine(new Ack("first"));
        var firstCopy = first.ToArray();

        var second = FrameCodec.ToLine(new Ack("second-and-longer"));

        Assert.NotSame(first, second);
        Assert.Equal(firstCopy, first);
    }

    [Fact]
    public void Write_through_a_reused_writer_appends_one_line_per_frame()
    {
        var output = new ArrayBufferWriter<byte>();
        using var writer = FrameCodec.CreateWriter(output);

        FrameCodec.Write(writer, output, Ping.Instance);
        FrameCodec.Write(writer, output, new Ack("d-1"));
        FrameCodec.Write(output, Bye.Instance);

        Assert.Equal("{\"type\":\"ping\"}\n{\"type\":\"ack\",\"id\":\"d-1\"}\n{\"type\":\"bye\"}\n", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Writer_options_are_unindented_and_use_the_minimal_encoder()
    {
        Assert.False(FrameCodec.WriterOptions.Indented);
        Assert.Same(MinimalJsonEncoder.Instance, FrameCodec.WriterOptions.Encoder);
    }

    [Fact]
    public void A_large_welcome_is_written_and_read_back_whole()
    {
        var history = Enumerable.Range(1, 200)
            .Select(i => new Said(i, $"c-{i}", "alice", new string('x', 3999) + "👋", SampleFrames.At))
            .ToArray();
        var welcome = new Welcome(SampleFrames.Alice, "tok", [SampleFrames.Zoe], history, Skipped: 1000);

        var line = FrameCodec.ToLine(welcome);

        Assert.InRange(line.Length, 200 * 4000, ProtocolLimits.MaxServerFrameBytes);
        FrameAssert.Equal(welcome, FrameCodec.Decode(new ReadOnlySequence<byte>(line, 0, line.Length - 1)).Frame);
    }

    private static void AssertCamelCaseWithoutNulls(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Assert.True(char.IsAsciiLetterLower(property.Name[0]), $"'{property.Name}' should start with a lower-case letter.");
                    Assert.True(property.Name.All(char.IsAsciiLetterOrDigit), $"'{property.Name}' should be camelCase.");
                    Assert.NotEqual(JsonValueKind.Null, property.Value.ValueKind);
                    AssertCamelCaseWithoutNulls(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    AssertCamelCaseWithoutNulls(item);
                }

                break;
        }
    }
}
