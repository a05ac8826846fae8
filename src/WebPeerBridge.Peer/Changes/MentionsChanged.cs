namespace WebPeerBridge.Peer.Changes;

/// <summary>The list of mentions (<see cref="PeerAgent.Mentions"/>) gained or lost entries.</summary>
public sealed record MentionsChanged : AgentChange;
