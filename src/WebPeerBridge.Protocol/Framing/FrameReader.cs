using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using WebPeerBridge.Protocol.Serialization;

namespace WebPeerBridge.Protocol.Framing;

/// <summary>
/// Reads frames, one per line, from a <see cref="PipeReader"/>. Blank lines are skipped. Bad input comes back as a
/// <see cref="FrameReadResult"/> with an error code; only I/O faults and cancellation throw.
/// </summary>
public sealed class FrameReader(PipeReader input, int maxFrameBytes)
{
    // Bytes at the start of the pipe's unread data already known to hold no newline (a line arriving in pieces).
    private long _scanned;

    /// <summary>The limit on one frame, newline excluded.</summary>
    public int MaxFrameBytes { get; } = maxFrameBytes;

    /// <summary>Reads the next frame, an error, or the end of the stream.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<FrameReadResult> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var status = LineFramer.TryReadLine(ref buffer, MaxFrameBytes, ref _scanned, out var line);
            switch (status)
            {
                case LineStatus.Line when LineFramer.IsBlank(line):
                    input.AdvanceTo(buffer.Start);
                    continue;

                case LineStatus.Line:
                    // Decode before AdvanceTo: the line's memory belongs to the pipe until then.
                    var decoded = FrameCodec.Decode(line);
                    input.AdvanceTo(buffer.Start);
                    return decoded.IsSuccess
                        ? FrameReadResult.Of(decoded.Frame!)
                        : FrameReadResult.Error(decoded.ErrorCode!, decoded.ErrorMessage!);

                case LineStatus.TooLong:
                    _scanned = 0;
                    input.AdvanceTo(buffer.Start, buffer.End);
                    return FrameReadResult.Error(ErrorCodes.FrameTooLarge, $"A frame is at most {MaxFrameBytes} bytes.");

                default:
                    if (result.IsCompleted || result.IsCanceled)
                    {
                        input.AdvanceTo(buffer.End);
                        return FrameReadResult.EndOfStream;
                    }

                    // Nothing consumed, everything examined: wake up only when more bytes arrive.
                    input.AdvanceTo(buffer.Start, buffer.End);
                    break;
            }
        }
    }
}
