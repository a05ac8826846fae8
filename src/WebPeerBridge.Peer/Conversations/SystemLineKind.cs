namespace WebPeerBridge.Peer.Conversations;

/// <summary>What a <see cref="SystemLine"/> tells.</summary>
public enum SystemLineKind
{
    /// <summary>The peer of a direct conversation left the network (with its reason).</summary>
    PeerLeft,

    /// <summary>The peer of a direct conversation joined the network again.</summary>
    PeerBack,

    /// <summary>The bridge restarted and the agent came back with its conversations.</summary>
    BridgeRestarted,

    /// <summary>After a reconnect, this many older broadcasts from the time away were too many to show.</summary>
    BroadcastsSkipped,

    /// <summary>The server's broadcast history started over.</summary>
    BroadcastHistoryReset,
}
