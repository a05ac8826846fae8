namespace WebPeerBridge.Peer.Conversations;

/// <summary>
/// What a system line of a conversation tells, with its data: a UI puts it in its own words (the agent builds no
/// sentences for people).
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="PeerName">The peer it is about (<see cref="SystemLineKind.PeerLeft"/>, <see cref="SystemLineKind.PeerBack"/>).</param>
/// <param name="LeftReason">Why the peer left: one of <see cref="Protocol.Frames.LeftReasons"/> (<see cref="SystemLineKind.PeerLeft"/>).</param>
/// <param name="Count">How many (<see cref="SystemLineKind.BroadcastsSkipped"/>).</param>
public sealed record SystemLine(SystemLineKind Kind, string? PeerName = null, string? LeftReason = null, long Count = 0);
