using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Rendezvous.Fanout;

/// <summary>
/// A frame on its way to clients: its JSON line, serialized once and shared by every receiver, and the frame itself
/// for dialects that render it differently (the seed client's plain text).
/// </summary>
internal readonly record struct Outbound(Frame Frame, ReadOnlyMemory<byte> Line)
{
    public static Outbound Of(Frame frame) => new(frame, Protocol.Serialization.FrameCodec.ToLine(frame));

    /// <summary>A frame for one receiver, which serializes it itself (<see cref="Line"/> is empty).</summary>
    public static Outbound Unrendered(Frame frame) => new(frame, ReadOnlyMemory<byte>.Empty);
}
