namespace WebPeerBridge.Peer.Links;

/// <summary>A dm written to a link and not yet acknowledged.</summary>
internal sealed record PendingDm(string Id, string Text, DateTimeOffset At);
