using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Rendezvous.Cluster;

/// <summary>What the stream consumer and the presence watcher tell the hub, in the order they learn it.</summary>
internal interface IClusterEvents
{
    /// <summary>A broadcast in stream order, from any node (this one's too): fan it out to this node's members.</summary>
    ValueTask SaidAsync(Said said, CancellationToken cancellationToken);

    /// <summary>The stream's message <paramref name="seq"/> is no broadcast (not ours): nothing to send, but read past it.</summary>
    ValueTask SkippedAsync(long seq, CancellationToken cancellationToken);

    /// <summary>A member of another node is online (joined, moved, or renewed).</summary>
    ValueTask RemoteOnlineAsync(PeerInfo peer, string node, CancellationToken cancellationToken);

    /// <summary>A member of another node left.</summary>
    ValueTask RemoteLeftAsync(string name, string reason, string node, CancellationToken cancellationToken);

    /// <summary>A node was not heard of for the node timeout: its members are gone.</summary>
    ValueTask NodeDiedAsync(string node, CancellationToken cancellationToken);

    /// <summary>Time to renew this node's heartbeat and its members' presence entries.</summary>
    void Heartbeat();
}
