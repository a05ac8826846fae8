namespace WebPeerBridge.Protocol.Frames;

/// <summary>Client → server: broadcast <see cref="Text"/> to everyone; <see cref="Id"/> is the client's own message id.</summary>
public sealed record Say(string Id, string Text) : Frame;
