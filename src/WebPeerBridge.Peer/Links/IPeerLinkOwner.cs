namespace WebPeerBridge.Peer.Links;

/// <summary>What a <see cref="DirectLink"/> reports. Called on the link's read loop or its timers.</summary>
internal interface IPeerLinkOwner
{
    /// <summary>A message arrived (already checked and normalized).</summary>
    void OnMessageReceived(DirectLink link, string id, string text, DateTimeOffset? at);

    /// <summary>The peer acknowledged the message with <paramref name="id"/>, perhaps after its ack timeout.</summary>
    void OnAcked(DirectLink link, string id);

    /// <summary>No ack within <see cref="PeerAgentOptions.AckTimeout"/>.</summary>
    void OnAckTimedOut(DirectLink link, string id);

    /// <summary>The peer refused the message with <paramref name="id"/> (an <c>error</c> with its id).</summary>
    void OnRefused(DirectLink link, string id, string message);

    /// <summary>The link ended; <paramref name="unacked"/> are the messages it never confirmed. The socket is closed.</summary>
    ValueTask OnLinkClosedAsync(DirectLink link, string reason, IReadOnlyList<PendingDm> unacked);
}
