using WebPeerBridge.Peer.Transport;

namespace WebPeerBridge.Peer.Links;

/// <summary>A connection whose hellos went both ways, with the peer's name; or why there is none.</summary>
internal readonly record struct HandshakeResult(FrameConnection? Connection, string? PeerName, string? Error)
{
    public static HandshakeResult Fail(string error) => new(null, null, error);
}
