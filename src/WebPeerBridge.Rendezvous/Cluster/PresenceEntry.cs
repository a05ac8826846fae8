using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Rendezvous.Cluster;

/// <summary>
/// An entry in the presence bucket: a member online at <see cref="Node"/> (<see cref="Peer"/> set), a member that left
/// (<see cref="Left"/> is the reason), or a node's heartbeat (neither). Renewed by its node every heartbeat interval;
/// expires by the bucket's max age once the node is gone.
/// </summary>
internal sealed record PresenceEntry(string Node, PeerInfo? Peer = null, string? Name = null, string? Left = null);
