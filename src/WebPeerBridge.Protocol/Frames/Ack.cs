namespace WebPeerBridge.Protocol.Frames;

/// <summary>Peer link: receipt of the <see cref="Dm"/> with this <see cref="Id"/>.</summary>
public sealed record Ack(string Id) : Frame;
