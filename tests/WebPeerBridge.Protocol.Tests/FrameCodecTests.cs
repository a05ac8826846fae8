using System.Buffers;
using System.Text;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Serialization;

namespace WebPeerBridge.Protocol.Tests;

public class FrameCodecTests
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
}
