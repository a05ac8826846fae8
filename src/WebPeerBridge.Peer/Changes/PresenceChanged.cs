using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Peer.Changes;

/// <summary>
/// Who is online changed (<see cref="PeerAgent.Peers"/> holds the new list). <paramref name="Quiet"/>: a resync after a
/// reconnect, or someone known coming back after one; it changes the list but is news to nobody (no "joined" line).
/// </summary>
/// <param name="Joined">Peers that appeared.</param>
/// <param name="Left">Peers that went.</param>
/// <param name="Moved">Listed peers now at another address.</param>
/// <param name="Quiet">Not worth a line.</param>
/// <param name="Reason">The server's reason for a leave (<c>LeftReasons</c>), if any.</param>
public sealed record PresenceChanged(
    IReadOnlyList<PeerInfo> Joined,
    IReadOnlyList<PeerInfo> Left,
    IReadOnlyList<PeerInfo> Moved,
    bool Quiet,
    string? Reason = null) : AgentChange;
