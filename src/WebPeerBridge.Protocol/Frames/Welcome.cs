namespace WebPeerBridge.Protocol.Frames;

/// <summary>
/// Server → client: the answer to a rendezvous <see cref="Hello"/>. <see cref="Peers"/> lists everyone else online;
/// <see cref="History"/> holds broadcasts oldest first; <see cref="Skipped"/> counts older ones left out by the size bound.
/// </summary>
public sealed record Welcome(
    PeerInfo You,
    string Token,
    IReadOnlyList<PeerInfo> Peers,
    IReadOnlyList<Said> History,
    long? Skipped = null) : Frame;
