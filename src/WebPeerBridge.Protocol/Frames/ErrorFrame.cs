namespace WebPeerBridge.Protocol.Frames;

/// <summary>
/// A rule was broken. <see cref="Code"/> is one of <see cref="ErrorCodes"/>; <see cref="Id"/> names the refused
/// <c>say</c>, so its sender can mark that message failed.
/// </summary>
public sealed record ErrorFrame(string Code, string Message, string? Id = null) : Frame;
