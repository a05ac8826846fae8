namespace WebPeerBridge.Peer.Conversations;

/// <summary>Where an own message stands.</summary>
public enum DeliveryState
{
    /// <summary>Not an own message (received), or a system line.</summary>
    None,

    /// <summary>Written, no receipt yet.</summary>
    Sending,

    /// <summary>Waiting in the agent for its peer, who is offline, to be back (with the key it left with).</summary>
    Queued,

    /// <summary>Written to a peer that gives no receipts (a seed client).</summary>
    Sent,

    /// <summary>The server relayed it (broadcast) or the peer acknowledged it (direct).</summary>
    Delivered,

    /// <summary>Refused, timed out, or its link dropped first: the user may resend.</summary>
    Failed,
}
