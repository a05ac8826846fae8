namespace WebPeerBridge.Protocol.Frames;

/// <summary>Peer link: a direct message; the receiver answers with <see cref="Ack"/> of the same <see cref="Id"/>.</summary>
public sealed record Dm(string Id, string Text, DateTimeOffset? At = null) : Frame;
