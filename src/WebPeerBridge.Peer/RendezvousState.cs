namespace WebPeerBridge.Peer;

/// <summary>The state of an agent's link to the rendezvous server.</summary>
public enum RendezvousState
{
    /// <summary>First connection attempt in progress.</summary>
    Connecting,

    /// <summary>Registered: welcome received.</summary>
    Online,

    /// <summary>Lost the link; retrying with backoff.</summary>
    Reconnecting,

    /// <summary>Left, refused, or disposed: no more attempts.</summary>
    Closed,
}
