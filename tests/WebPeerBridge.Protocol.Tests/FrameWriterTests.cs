using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Framing;
using WebPeerBridge.Protocol.Serialization;

namespace WebPeerBridge.Protocol.Tests;

public class FrameWriterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Write_buffers_until_flush_then_sends_one_line_per_frame()
    {
        var pipe = new Pipe();
        using var writer = new FrameWriter(pipe.Writer);

        writer.Write(Ping.Instance);
        writer.Write(new Say("c-1", "héllo 👋"));
        Assert.False(pipe.Reader.TryRead(out _), "Nothing should be sent before FlushAsync.");
        await writer.FlushAsync(Ct);

        Assert.Equal("{\"type\":\"ping\"}\n{\"type\":\"say\",\"id\":\"c-1\",\"text\":\"héllo 👋\"}\n", await ReadTextAsync(pipe));
    }

    [Fact]
    public async Task WriteAsync_writes_and_flushes_one_frame()
    {
        var pipe = new Pipe();
        using var writer = new FrameWriter(pipe.Writer);

        await writer.WriteAsync(new Ack("d-5"), Ct);

        Assert.Equal("{\"type\":\"ack\",\"id\":\"d-5\"}\n", await ReadTextAsync(pipe));
    }

    [Fact]
    public async Task WriteRaw_sends_shared_bytes_between_frames_unchanged()
    {
        var pipe = new Pipe();
        using var writer = new FrameWriter(pipe.Writer);
        var broadcast = FrameCodec.ToLine(SampleFrames.All["said"]);

        writer.Write(Ping.Instance);
        writer.WriteRaw(broadcast);
        writer.Write(Bye.Instance);
        await writer.FlushAsync(Ct);

        Assert.Equal("{\"type\":\"ping\"}\n" + Encoding.UTF8.GetString(broadcast) + "{\"type\":\"bye\"}\n", await ReadTextAsync(pipe));
    }

    [Fact]
    public async Task A_reused_writer_writes_every_sample_frame_as_codec_would()
    {
        var pipe = new Pipe();
        using var writer = new FrameWriter(pipe.Writer);

        foreach (var frame in SampleFrames.All.Values)
        {
            writer.Write(frame);
        }

        await writer.FlushAsync(Ct);

        var expected = string.Concat(SampleFrames.All.Values.Select(Wire.LineOf));
        Assert.Equal(expected, await ReadTextAsync(pipe));
    }

    [Fact]
    public async Task FlushAsync_reports_a_reader_that_went_away()
    {
        var pipe = new Pipe();
        using var writer = new FrameWriter(pipe.Writer);
        await pipe.Reader.CompleteAsync();

        var result = await writer.WriteAsync(Ping.Instance, Ct);

        Assert.True(result.IsCompleted);
    }

    private static async Task<string> ReadTextAsync(Pipe pipe)
    {
        await pipe.Writer.CompleteAsync();
        while (true)
        {
            var result = await pipe.Reader.ReadAsync(Ct).AsTask().WaitAsync(Wire.Timeout, Ct);
            if (result.IsCompleted)
            {
                var text = Encoding.UTF8.GetString(result.Buffer);
                pipe.Reader.AdvanceTo(result.Buffer.End);
                return text;
            }

            pipe.Reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }
}
