namespace WebPeerBridge.Peer.Changes;

/// <summary>The rendezvous link's state, or this agent's own listing (<see cref="PeerAgent.Self"/>), changed.</summary>
public sealed record AgentStateChanged(RendezvousState State, string? Detail) : AgentChange;
