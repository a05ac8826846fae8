namespace WebPeerBridge.Peer.Links;

/// <summary>Whether messages to a peer that is offline wait for it.</summary>
internal enum OfflineStanding
{
    /// <summary>They wait, and go out when it is back with its key.</summary>
    Waits,

    /// <summary>They cannot wait: it left without a key.</summary>
    NoKey,

    /// <summary>They cannot wait: this agent never talked with it, or waiting is turned off.</summary>
    NotWaiting,
}
