using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Serialization;

namespace WebPeerBridge.Protocol.Tests;

public class SaidFastPathTests
{
    public static TheoryData<string?, string, string> Saids => new()
    {
        { "c-17", "alice", "hi all" },
        { null, "Zoë_Smith", "from a classic client" },
        { "x\"y", "bob", "quotes \" backslash \\ tab\t newline\n <b>&</b> 👋 é \u2028" },
        { "c-1", "名前", new string('é', 4000) },
    };

    [Theory]
    [MemberData(nameof(Saids))]
    public void Hand_written_said_is_byte_for_byte_what_the_serializer_writes(string? id, string from, string text)
    {
        var said = new Said(42, id, from, text, new DateTimeOffset(2026, 11, 24, 10, 0, 0, 123, TimeSpan.Zero));

        var fast = Encoding.UTF8.GetString(FrameCodec.ToLine(said));

        Assert.Equal(SerializerLine(said), fast);
        Assert.Equal(said, FrameCodec.Decode(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(fast.TrimEnd('\n')))).Frame);
    }

    [Fact]
    public void Writing_a_said_through_a_reused_writer_allocates_nothing()
    {
        var said = new Said(7, "c-7", "alice", "hello everyone", DateTimeOffset.UnixEpoch);
        var output = new ArrayBufferWriter<byte>(4096);
        using var writer = FrameCodec.CreateWriter(output);
        FrameCodec.Write(writer, output, said); // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            output.ResetWrittenCount();
            FrameCodec.Write(writer, output, said);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    // The generic path: the polymorphic envelope through System.Text.Json.
    private static string SerializerLine(Said said)
    {
        var options = new JsonSerializerOptions(WireJson.Default.Options) { Encoder = MinimalJsonEncoder.Instance };
        var info = (JsonTypeInfo<Frame>)options.GetTypeInfo(typeof(Frame));
        return JsonSerializer.Serialize(said, info) + "\n";
    }
}
