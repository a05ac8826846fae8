using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Rendezvous.Fanout;

/// <summary>One request to the hub's loop. A struct, so that queueing a broadcast allocates nothing.</summary>
internal readonly record struct HubCommand(HubCommandKind Kind, IHubClient Client, Frame? Frame, string? Text, string? Reason, string? Host);

internal enum HubCommandKind
{
    Register,
    Say,
    Leave,

    // From the cluster (RendezvousHub.Cluster.cs): a broadcast in stream order, other nodes' members, a dead node, a beat.
    StreamSaid,
    StreamSkipped,
    RemoteOnline,
    RemoteLeft,
    NodeDied,
    Heartbeat,
}
