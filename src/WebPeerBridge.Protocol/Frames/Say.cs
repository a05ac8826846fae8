namespace WebPeerBridge.Protocol.Frames;

/// <summary>
/// Client → server: broadcast <see cref="Text"/> to everyone. <see cref="Id"/> is the client's own message id, echoed in
/// the <c>said</c> (its acknowledgement) or in an <c>error</c> refusing it; optional, so that a hand-typed say works.
/// </summary>
public sealed record Say(string? Id, string Text) : Frame;
