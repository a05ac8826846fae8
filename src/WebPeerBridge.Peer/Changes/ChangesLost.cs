namespace WebPeerBridge.Peer.Changes;

/// <summary>
/// The subscribers fell so far behind that changes were left out: read the agent's state afresh. Changes are never
/// dropped without this.
/// </summary>
public sealed record ChangesLost : AgentChange;
