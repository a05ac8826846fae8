using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Rendezvous.Fanout;

/// <summary>
/// A frame on its way to clients: its JSON line, serialized once and shared by every receiver, and the frame itself
/// for dialects that render it differently (the seed client's plain text). <see cref="Line"/> may hold several whole
/// lines (a turn's frames coalesced, <see cref="TurnBatch"/>); <see cref="Frame"/> is then the first of them.
/// </summary>
/// <param name="Frame">The frame, for dialects that render it themselves.</param>
/// <param name="Line">Its line(s), newline included; empty when the receiver's write loop serializes it.</param>
/// <param name="Echoes">How many of the receiver's own says it answers (their <c>said</c> or <c>unavailable</c>): its
/// write loop lets as many more says through (<see cref="RendezvousOptions.MaxSaysInFlight"/>).</param>
internal readonly record struct Outbound(Frame Frame, ReadOnlyMemory<byte> Line, int Echoes = 0)
{
    public static Outbound Of(Frame frame) => new(frame, Protocol.Serialization.FrameCodec.ToLine(frame));

    /// <summary>A frame for one receiver, which serializes it itself (<see cref="Line"/> is empty).</summary>
    public static Outbound Unrendered(Frame frame) => new(frame, ReadOnlyMemory<byte>.Empty);
}
