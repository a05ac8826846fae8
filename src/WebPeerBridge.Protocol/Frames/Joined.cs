namespace WebPeerBridge.Protocol.Frames;

/// <summary>Server → client: someone joined, or a listed peer's host or port changed (update it in place).</summary>
public sealed record Joined(PeerInfo Peer) : Frame;
