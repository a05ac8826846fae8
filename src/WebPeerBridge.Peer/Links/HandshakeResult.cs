using WebPeerBridge.Peer.Transport;

namespace WebPeerBridge.Peer.Links;

/// <summary>A connection whose hellos went both ways, with the peer's name; or why there is none.</summary>
internal readonly record struct HandshakeResult(FrameConnection? Connection, string? PeerName, LinkOutcome Outcome, string? Error)
{
    public static HandshakeResult Fail(LinkOutcome outcome, string error) => new(null, null, outcome, error);
}
