namespace WebPeerBridge.Peer.Changes;

/// <summary>The direct link with <paramref name="PeerName"/> is opening, opened or closed (<see cref="PeerAgent.GetLinkState"/>).</summary>
public sealed record LinkChanged(string PeerName) : AgentChange;
