using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Serialization;

namespace WebPeerBridge.Protocol.Framing;

/// <summary>
/// Writes frames as lines to a <see cref="PipeWriter"/>, reusing one <see cref="Utf8JsonWriter"/>. Not thread-safe:
/// one writer loop owns it. Call <see cref="FlushAsync"/> after a batch.
/// </summary>
public sealed class FrameWriter(PipeWriter output) : IDisposable
{
    private readonly Utf8JsonWriter _json = FrameCodec.CreateWriter(output);

    /// <summary>Buffers <paramref name="frame"/> as one line.</summary>
    public void Write(Frame frame) => FrameCodec.Write(_json, output, frame);

    /// <summary>Buffers bytes that already hold whole lines (a broadcast serialized once for everybody).</summary>
    public void WriteRaw(ReadOnlySpan<byte> lines) => output.Write(lines);

    /// <summary>Sends what was buffered.</summary>
    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken) => output.FlushAsync(cancellationToken);

    /// <summary>Writes one frame and flushes it.</summary>
    public ValueTask<FlushResult> WriteAsync(Frame frame, CancellationToken cancellationToken)
    {
        Write(frame);
        return FlushAsync(cancellationToken);
    }

    public void Dispose() => _json.Dispose();
}
