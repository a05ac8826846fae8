using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Peer.Presence;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Validation;

namespace WebPeerBridge.Peer.Links;

/// <summary>
/// Direct messages and their delivery state: sends a dm on the pair's open link (asking for one when there is none),
/// sends a failed one again under its id, follows each to delivered or failed (acks, ack timeouts, refusals, links
/// that end with messages unconfirmed), and shows what arrives: once per sender's id, at the sender's time unless that
/// is far off the local clock.
/// </summary>
internal sealed class DirectDelivery(
    PeerAgentOptions options,
    ConversationStore conversations,
    PeerDirectory directory,
    MessageIds ids,
    LinkRegistry registry,
    Func<string, CancellationToken, Task<LinkResult>> connect,
    TimeProvider time)
{
    private readonly OfflineQueue _offline = new(options.MaxQueuedDirectPerPeer, options.MaxDirectConversations);

    /// <summary>Gone peers the offline queue remembers (for tests of its bound).</summary>
    internal int OfflinePeerCount => _offline.Count;

    /// <summary>Sends <paramref name="text"/> to <paramref name="peerName"/>, dialing when no link is open.</summary>
    public async Task<SendResult> SendAsync(string peerName, string text, CancellationToken cancellationToken)
    {
        var check = TextRules.NormalizeText(text, ProtocolLimits.MaxTextLength, out var normalized);
        if (!check.IsValid)
        {
            return new SendResult(SendOutcome.Invalid, null, check.Message);
        }

        if (directory.Find(peerName) is null && _offline.SaidBye(peerName) && conversations.Find(peerName) is { } leaving)
        {
            // It said bye: its links are on their way down. What is sent now waits for it (or says why it cannot), as
            // the list shows it gone, rather than going over a closing link and failing with it.
            return Queue(leaving, normalized);
        }

        string name;
        if (registry.TryGetOpen(peerName, out var link))
        {
            name = link.PeerName;
        }
        else if (directory.Find(peerName) is { } peer)
        {
            name = peer.Name;
        }
        else if (conversations.Find(peerName) is { } offline)
        {
            return Queue(offline, normalized);
        }
        else
        {
            return new SendResult(SendOutcome.PeerOffline, null, UnknownPeer(peerName));
        }

        var conversation = Open(name);
        var id = ids.NextDirect();
        var at = time.GetUtcNow();
        conversation.Add(new ChatMessage(id, options.Name, normalized, at, IsOwn: true, DeliveryState.Sending));
        registry.MarkCurrent(name);
        return await DeliverAsync(conversation, name, id, normalized, at, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a failed own dm again, under the same id (the receiver shows it once).</summary>
    public async Task<SendResult> ResendAsync(string peerName, string messageId, CancellationToken cancellationToken)
    {
        var conversation = conversations.Find(peerName);
        var message = conversation?.Snapshot().FirstOrDefault(m => m.Id == messageId);
        if (conversation is null || message is not { IsOwn: true, Kind: ChatMessageKind.Chat })
        {
            return new SendResult(SendOutcome.NotFound, messageId, "There is no own message with that id.");
        }

        if (message.State != DeliveryState.Failed)
        {
            return new SendResult(SendOutcome.NotFound, messageId, "Only a failed message can be sent again.");
        }

        if (!registry.TryGetOpen(peerName, out _) && directory.Find(peerName) is null)
        {
            // Offline: it waits with the others, or says plainly that it cannot.
            if (!_offline.TryAdd(conversation.Key, new PendingDm(messageId, message.Text, message.At)))
            {
                return new SendResult(SendOutcome.PeerOffline, messageId, Failure: CannotWait(conversation.Key));
            }

            conversation.Update(messageId, m => m with { State = DeliveryState.Queued, Error = null, Failure = null });
            return new SendResult(SendOutcome.Queued, messageId);
        }

        conversation.Update(messageId, m => m with { State = DeliveryState.Sending, Error = null, Failure = null });
        return await DeliverAsync(conversation, conversation.Key, messageId, message.Text, message.At, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A dm arrived. A repeated id (its ack was lost, or a forger replays it) changes nothing that is shown.</summary>
    public void Received(DirectLink link, string id, string text, DateTimeOffset? at)
    {
        var now = time.GetUtcNow();
        // The sender's clock says when it was written, unless it is far off ours: then it could backdate or postdate lines.
        var shownAt = at is { } sent && (sent - now).Duration() <= options.MaxClockSkew ? sent : now;
        var conversation = Open(link.PeerName);
        conversation.TryAddNew(new ChatMessage(MessageIds.ForReceivedDm(id), link.PeerName, text, shownAt, IsOwn: false, DeliveryState.None));
        registry.MarkCurrent(link.PeerName);
    }

    public void Acked(DirectLink link, string id) =>
        conversations.Find(link.PeerName)?.Update(id, m => m.State is DeliveryState.Sending or DeliveryState.Failed
            ? m with { State = DeliveryState.Delivered, Error = null, Failure = null }
            : m);

    public void AckTimedOut(DirectLink link, string id) =>
        MarkFailed(link.PeerName, id, $"{link.PeerName} did not confirm it within {options.AckTimeout.TotalSeconds:0.#} s.");

    public void Refused(DirectLink link, string id, string message) =>
        MarkFailed(link.PeerName, id, $"{link.PeerName} refused it: {message}");

    /// <summary>Sends <paramref name="unacked"/> on <paramref name="link"/>; marks them failed when there is none or it fails.</summary>
    public async Task ResendOnAsync(DirectLink? link, string peerName, IReadOnlyList<PendingDm> unacked)
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

    public static string UnknownPeer(string peerName) => $"No peer named '{peerName}' is online. Type /peers to see who is.";

    /// <summary>Whether a message to <paramref name="peerName"/>, offline, would wait for it.</summary>
    public bool Queues(string peerName) => _offline.Accepts(peerName);

    /// <summary>Why a message to <paramref name="peerName"/>, offline, could not go now; null when it would wait for it.</summary>
    public DeliveryFailure? OfflineFailure(string peerName) => _offline.Accepts(peerName) ? null : CannotWait(peerName);

    /// <summary>
    /// <paramref name="peer"/> left for <paramref name="reason"/> (one of <see cref="LeftReasons"/>): messages to it may
    /// wait, if this agent talked with it and it has a key.
    /// </summary>
    public void PeerLeft(PeerInfo peer, string reason)
    {
        if (conversations.Find(peer.Name) is not null)
        {
            // Past the bound, the peer gone longest is forgotten: what waited for it will not go.
            foreach (var (peerName, message) in _offline.Left(peer, reason == LeftReasons.Bye))
            {
                MarkFailed(peerName, message.Id, new DeliveryFailure(DeliveryFailureKind.PeerOffline, peerName));
            }
        }
    }

    /// <summary>The conversation with <paramref name="peerName"/> was forgotten: nothing waits for that peer any more.</summary>
    public void ConversationForgotten(string peerName) => _offline.Forget(peerName);

    /// <summary>
    /// <paramref name="peer"/> is back: takes what waited for it, and whether it came back with the key it left with
    /// (the offline queue forgets it was gone).
    /// </summary>
    public (IReadOnlyList<PendingDm> Waiting, bool SameKey) TakeQueued(PeerInfo peer) => _offline.Back(peer);

    /// <summary>Sends what waited for <paramref name="peer"/> (<see cref="TakeQueued"/>), unless it came back with another key.</summary>
    public async Task SendQueuedAsync(PeerInfo peer, (IReadOnlyList<PendingDm> Waiting, bool SameKey) back)
    {
        var (waiting, sameKey) = back;
        if (waiting.Count == 0 || conversations.Find(peer.Name) is not { } conversation)
        {
            return;
        }

        foreach (var message in waiting)
        {
            if (!sameKey)
            {
                MarkFailed(peer.Name, message.Id, new DeliveryFailure(DeliveryFailureKind.KeyChanged, peer.Name));
                continue;
            }

            conversation.Update(message.Id, m => m with { State = DeliveryState.Sending });
            await DeliverAsync(conversation, peer.Name, message.Id, message.Text, message.At, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The agent leaves: what still waits will not go out.</summary>
    public void FailQueued()
    {
        foreach (var (peerName, message) in _offline.TakeAll())
        {
            MarkFailed(peerName, message.Id, new DeliveryFailure(DeliveryFailureKind.LeftBeforeBack, peerName));
        }
    }

    private DeliveryFailure CannotWait(string peerName) => new(
        _offline.Standing(peerName) == OfflineStanding.NoKey ? DeliveryFailureKind.PeerOfflineWithoutKey : DeliveryFailureKind.PeerOffline, peerName);

    private SendResult Queue(Conversation conversation, string text)
    {
        var id = ids.NextDirect();
        var at = time.GetUtcNow();
        if (!_offline.TryAdd(conversation.Key, new PendingDm(id, text, at)))
        {
            return new SendResult(SendOutcome.PeerOffline, null, Failure: _offline.Accepts(conversation.Key)
                ? new DeliveryFailure(DeliveryFailureKind.QueueFull, conversation.Key, options.MaxQueuedDirectPerPeer)
                : CannotWait(conversation.Key));
        }

        conversation.Add(new ChatMessage(id, options.Name, text, at, IsOwn: true, DeliveryState.Queued));
        return new SendResult(SendOutcome.Queued, id);
    }

    private async Task<SendResult> DeliverAsync(Conversation conversation, string name, string id, string text, DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        if (!registry.TryGetOpen(name, out var link))
        {
            var connected = await connect(name, cancellationToken).ConfigureAwait(false);
            if (!connected.Success || !registry.TryGetOpen(name, out link))
            {
                var error = connected.Error ?? $"The link with {name} closed.";
                conversation.Update(id, m => m with { State = DeliveryState.Failed, Error = error, Failure = null });
                return new SendResult(connected.Success ? SendOutcome.LinkClosed : ToSendOutcome(connected.Outcome), id, error);
            }
        }

        if (!await link.SendAsync(id, text, at, cancellationToken).ConfigureAwait(false))
        {
            var error = $"The link with {name} closed before the message went out.";
            // The link may have handed it on as unconfirmed already; a later ack still turns it delivered.
            conversation.Update(id, m => m.State == DeliveryState.Sending ? m with { State = DeliveryState.Failed, Error = error, Failure = null } : m);
            return new SendResult(SendOutcome.LinkClosed, id, error);
        }

        if (!link.GivesReceipts)
        {
            conversation.Update(id, m => m.State == DeliveryState.Sending ? m with { State = DeliveryState.Sent } : m);
        }

        return new SendResult(SendOutcome.Sent, id);
    }

    private static SendOutcome ToSendOutcome(LinkOutcome outcome) => outcome switch
    {
        LinkOutcome.Invalid => SendOutcome.Invalid,
        LinkOutcome.NotJoined => SendOutcome.NotJoined,
        LinkOutcome.PeerOffline => SendOutcome.PeerOffline,
        LinkOutcome.Unverified => SendOutcome.Unverified,
        LinkOutcome.Unreachable => SendOutcome.Unreachable,
        LinkOutcome.Refused => SendOutcome.Refused,
        _ => SendOutcome.LinkClosed,
    };

    private Conversation Open(string peerName) => conversations.Open(peerName, out _);

    private void MarkFailed(string peerName, string id, string error) =>
        conversations.Find(peerName)?.Update(id, m => m.State is DeliveryState.Sending or DeliveryState.Sent or DeliveryState.Queued
            ? m with { State = DeliveryState.Failed, Error = error, Failure = null }
            : m);

    private void MarkFailed(string peerName, string id, DeliveryFailure failure) =>
        conversations.Find(peerName)?.Update(id, m => m.State is DeliveryState.Sending or DeliveryState.Sent or DeliveryState.Queued
            ? m with { State = DeliveryState.Failed, Error = null, Failure = failure }
            : m);
}
