namespace WebPeerBridge.Protocol.Frames;

/// <summary>
/// Server → client: a broadcast, sent to everyone including its sender (that is the sender's acknowledgement).
/// <see cref="Seq"/> grows by one per accepted broadcast and never repeats.
/// </summary>
public sealed record Said(long Seq, string? Id, string From, string Text, DateTimeOffset At) : Frame;
