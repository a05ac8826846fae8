namespace WebPeerBridge.Rendezvous.Cluster;

/// <summary>
/// One name's entry in the names bucket: its current resume token and the node it is online at, or, once its connection
/// dropped without <c>bye</c>, until when it is held for that token.
/// </summary>
internal sealed record NameClaim(string Name, string Token, string Node, DateTimeOffset? HeldUntil);
