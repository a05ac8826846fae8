namespace WebPeerBridge.Peer.Changes;

/// <summary>
/// One thing that changed in an agent, carrying what changed, as its subscribers hear it (<see cref="PeerAgent.Subscribe"/>).
/// Changes come in the order they happened, on the agent's dispatch loop, never on a socket's read loop.
/// </summary>
public abstract record AgentChange;
