namespace WebPeerBridge.Peer.Conversations;

/// <summary>Why a direct message to an offline peer cannot go (<see cref="DeliveryFailure"/>).</summary>
public enum DeliveryFailureKind
{
    /// <summary>The peer is offline, and messages do not wait for it (never met, or waiting is turned off): send when it is back.</summary>
    PeerOffline,

    /// <summary>
    /// The peer is offline and has no key (an older peer or a classic client): messages cannot wait for it, since
    /// nothing could prove that the one who comes back under its name is the same peer.
    /// </summary>
    PeerOfflineWithoutKey,

    /// <summary><see cref="DeliveryFailure.Count"/> messages wait for the peer already: the next can go when it is back.</summary>
    QueueFull,

    /// <summary>The peer came back with another key than it left with: what waited is not sent, as it may be someone else.</summary>
    KeyChanged,

    /// <summary>This agent left the network before the peer was back: what waited is not sent.</summary>
    LeftBeforeBack,
}
