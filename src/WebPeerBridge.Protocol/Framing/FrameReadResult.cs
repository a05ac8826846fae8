using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Protocol.Framing;

/// <summary>One outcome of <see cref="FrameReader.ReadAsync"/>: a frame, a protocol error, or the end of the stream.</summary>
public readonly record struct FrameReadResult(Frame? Frame, string? ErrorCode, string? ErrorMessage, bool IsEndOfStream)
{
    public static FrameReadResult EndOfStream => new(null, null, null, true);

    public bool IsFrame => Frame is not null;

    public bool IsError => ErrorCode is not null;

    public static FrameReadResult Of(Frame frame) => new(frame, null, null, false);

    public static FrameReadResult Error(string code, string message) => new(null, code, message, false);
}
