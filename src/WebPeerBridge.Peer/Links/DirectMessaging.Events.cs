using WebPeerBridge.Peer.Conversations;

namespace WebPeerBridge.Peer.Links;

// What the links report: messages in, receipts, timeouts, and links that end.
internal sealed partial class DirectMessaging
{
    void IPeerLinkOwner.OnMessageReceived(DirectLink link, string id, string text, DateTimeOffset? at)
    {
        var conversation = OpenConversation(link.PeerName);
        // Keyed by the sender's id: a dm sent again (its ack was lost) replaces the line instead of showing twice.
        conversation.Add(new ChatMessage(MessageIds.ForReceivedDm(id), link.PeerName, text, at ?? _time.GetUtcNow(), IsOwn: false,
            DeliveryState.None));
        _table.MarkCurrent(link.PeerName);
    }

    void IPeerLinkOwner.OnAcked(DirectLink link, string id) =>
        _conversations.Find(link.PeerName)?.Update(id, m => m.State is DeliveryState.Sending or DeliveryState.Failed
            ? m with { State = DeliveryState.Delivered, Error = null }
            : m);

    void IPeerLinkOwner.OnAckTimedOut(DirectLink link, string id) =>
        MarkFailed(link.PeerName, id, $"{link.PeerName} did not confirm it within {_options.AckTimeout.TotalSeconds:0.#} s.");

    void IPeerLinkOwner.OnRefused(DirectLink link, string id, string message) =>
        MarkFailed(link.PeerName, id, $"{link.PeerName} refused it: {message}");

    async ValueTask IPeerLinkOwner.OnLinkClosedAsync(DirectLink link, string reason, IReadOnlyList<PendingDm> unacked)
    {
        lock (_gate)
        {
            _live.Remove(link);
        }

        var (wasOpen, stillOpen) = _table.Remove(link);
        if (unacked.Count > 0)
        {
            if (stillOpen && _table.TryGetOpen(link.PeerName, out var other))
            {
                await ResendOnAsync(other, link.PeerName, unacked).ConfigureAwait(false);
            }
            else if (link.ClosedByPeer)
            {
                // Perhaps its twin from a simultaneous dial is about to open here: give it a moment.
                _ = Track(async () =>
                {
                    var next = await WaitForOpenLinkAsync(link.PeerName, RelinkGrace).ConfigureAwait(false);
                    await ResendOnAsync(next, link.PeerName, unacked).ConfigureAwait(false);
                    return true;
                });
            }
            else
            {
                await ResendOnAsync(null, link.PeerName, unacked).ConfigureAwait(false);
            }
        }

        if (wasOpen)
        {
            LogLinkClosed(link.PeerName, reason);
            AddSystemLine(link.PeerName, $"Link closed: {reason}");
            _notices.Raise(NoticeKind.LinkClosed, $"Link with {link.PeerName} closed: {reason}", link.PeerName);
        }

        _changed.Notify();
    }

    /// <summary>Sends <paramref name="unacked"/> on <paramref name="link"/>; marks them failed when there is none or it fails.</summary>
    private async Task ResendOnAsync(DirectLink? link, string peerName, IReadOnlyList<PendingDm> unacked)
    {
        foreach (var message in unacked)
        {
            // Same id: the receiver shows a message it already had only once.
            if (link is null || !await link.SendAsync(message.Id, message.Text, message.At, CancellationToken.None).ConfigureAwait(false))
            {
                MarkFailed(peerName, message.Id, $"The link with {peerName} closed before it confirmed this message.");
            }
        }
    }
}
