using System.Globalization;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Validation;

namespace WebPeerBridge.Peer.Rendezvous;

/// <summary>
/// The broadcast conversation fed by the rendezvous link. Own broadcasts show as sending until the server relays them
/// (the <c>said</c> with their id) or refuses them (an <c>error</c> with their id). A message whose connection dropped
/// is sent again after the next welcome, unless the resync (<c>since</c>) shows that the server had it already.
/// Received broadcasts are deduplicated by <c>seq</c>, so none shows twice across reconnects. After a server lost its
/// history, a sender sends again the says whose echo it never got and the new server relays them under new seqs: a line
/// whose sender, id and text match one of the last <c>recentCapacity</c> shown before that reset shows once.
/// </summary>
internal sealed class BroadcastStream(Conversation conversation, string ownName, MessageIds ids, RendezvousLink link, TimeProvider time,
    int recentCapacity, int maxPending)
    : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<PendingSay> _pending = [];
    private readonly SemaphoreSlim _flushGate = new(1, 1);
    private long _lastSeq;
    private bool _welcomed;
    private long? _sessionSince;
    private bool _sessionSawSaid;

    // The session whose welcome history was taken in: only it carries says. Before, the history may still confirm what
    // waits, and a say written then would be a second copy of one the server has.
    private int _readySession;

    // The sender and id of the lines shown last (at most recentCapacity), with their text and the history they came
    // from (one more with each reset): a resend is a line of an earlier history with all three the same.
    private readonly Dictionary<(string From, string Id), (string Text, int History)> _recent = new(RecentKeyComparer.Instance);
    private readonly Queue<(string From, string Id)> _recentOrder = new();
    private int _history;

    public Conversation Conversation => conversation;

    /// <summary>The <c>since</c> of the next hello.</summary>
    public long? ResumeSeq
    {
        get
        {
            lock (_gate)
            {
                return _welcomed ? _lastSeq : null;
            }
        }
    }

    /// <summary>Continues after <paramref name="lastSeq"/> (a restored agent): the next hello asks for what followed it.</summary>
    public void Resume(long lastSeq)
    {
        lock (_gate)
        {
            _lastSeq = lastSeq;
            _welcomed = true;
        }
    }

    /// <summary>Own broadcasts not yet relayed.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    public async Task<SendResult> SendAsync(string text, CancellationToken cancellationToken)
    {
        var check = TextRules.NormalizeText(text, ProtocolLimits.MaxTextLength, out var normalized);
        if (!check.IsValid)
        {
            return new SendResult(SendOutcome.Invalid, null, check.Message);
        }

        if (link.State == RendezvousState.Closed)
        {
            return new SendResult(SendOutcome.ServerOffline, null, "Not connected to the rendezvous server.");
        }

        var id = ids.NextBroadcast();
        lock (_gate)
        {
            if (_pending.Count >= maxPending)
            {
                return new SendResult(SendOutcome.Busy, null, $"{maxPending} broadcasts are still waiting for the server; wait until it is back.");
            }

            _pending.Add(new PendingSay(id, normalized));
        }

        conversation.Add(new ChatMessage(id, ownName, normalized, time.GetUtcNow(), IsOwn: true, DeliveryState.Sending));
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        return new SendResult(SendOutcome.Sent, id);
    }

    /// <summary>Sends a failed own broadcast again, under the same id.</summary>
    public async Task<SendResult> ResendAsync(string messageId, CancellationToken cancellationToken)
    {
        var message = conversation.Snapshot().FirstOrDefault(m => m.Id == messageId);
        if (message is not { IsOwn: true, Kind: ChatMessageKind.Chat })
        {
            return new SendResult(SendOutcome.NotFound, messageId, "There is no own message with that id.");
        }

        if (message.State != DeliveryState.Failed)
        {
            return new SendResult(SendOutcome.NotFound, messageId, "Only a failed message can be sent again.");
        }

        if (link.State == RendezvousState.Closed)
        {
            return new SendResult(SendOutcome.ServerOffline, messageId, "Not connected to the rendezvous server.");
        }

        lock (_gate)
        {
            if (_pending.Exists(p => p.Id == messageId))
            {
                return new SendResult(SendOutcome.Sent, messageId);
            }

            _pending.Add(new PendingSay(messageId, message.Text));
        }

        conversation.Update(messageId, m => m with { State = DeliveryState.Sending, Error = null });
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        return new SendResult(SendOutcome.Sent, messageId);
    }

    public async ValueTask OnWelcomeAsync(Welcome welcome, int session, long? since, CancellationToken cancellationToken)
    {
        bool first;
        lock (_gate)
        {
            first = !_welcomed;
            _welcomed = true;
            _sessionSince = since;
            _sessionSawSaid = false;
        }

        foreach (var said in welcome.History)
        {
            // At the first welcome the history is context: it asks for nobody's attention.
            OnSaid(said, context: first);
        }

        if (first)
        {
            // Earlier talk is context, not news.
            conversation.MarkRead();
        }
        else if (welcome.Skipped is > 0 and var skipped)
        {
            AddSystemLine(new SystemLine(SystemLineKind.BroadcastsSkipped, Count: skipped));
            // The server's record of what we sent may be among those left out: let the user decide whether to resend.
            FailWhere(p => p.SentInSession != 0, "The connection dropped before the server confirmed it; it may not have arrived.");
        }

        lock (_gate)
        {
            _readySession = session;
        }

        // What still waits (and whatever was sent while the history was taken in) goes out now.
        await FlushAsync(session, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A relayed broadcast; <paramref name="context"/>: history from before this agent joined.</summary>
    public void OnSaid(Said said, bool context = false)
    {
        PendingSay? own = null;
        var reset = false;
        var resent = false;
        lock (_gate)
        {
            if (!_sessionSawSaid)
            {
                _sessionSawSaid = true;
                // After a hello with since = S a server sends only seq > S; anything else means its log started over.
                if (_sessionSince is { } since && said.Seq <= since)
                {
                    _lastSeq = 0;
                    _history++;
                    reset = true;
                }
            }

            if (said.Seq <= _lastSeq)
            {
                return;
            }

            _lastSeq = said.Seq;
            // The same sender, id and text under another seq: sent again to a server that lost its history.
            resent = !Remember(said);
            if (!resent && said.Id is { } id && string.Equals(said.From, ownName, StringComparison.OrdinalIgnoreCase))
            {
                var index = _pending.FindIndex(p => p.Id == id);
                if (index >= 0)
                {
                    own = _pending[index];
                    _pending.RemoveAt(index);
                }
            }
        }

        if (reset)
        {
            AddSystemLine(new SystemLine(SystemLineKind.BroadcastHistoryReset));
        }

        if (resent)
        {
            return;
        }

        if (own is not null && conversation.Update(own.Id, m => m with { State = DeliveryState.Delivered, Seq = said.Seq, At = said.At, Text = said.Text, Error = null }))
        {
            return;
        }

        var isOwn = string.Equals(said.From, ownName, StringComparison.OrdinalIgnoreCase);
        var line = new ChatMessage(MessageIds.ForSaid(said.Seq), said.From, said.Text, said.At, isOwn,
            isOwn ? DeliveryState.Delivered : DeliveryState.None, ChatMessageKind.Chat, said.Seq);
        if (Add(line, context) || conversation.TryGet(line.Id, out var shown) && shown.From == said.From && shown.Text == said.Text)
        {
            return;
        }

        // A seq this conversation already shows for another broadcast: a server that lost its log handed it out again.
        // The shown line stays as it is; this one is shown as well, under an id of its own.
        Add(line with { Id = $"{line.Id}@{said.At.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}" }, context);
    }

    /// <summary>
    /// Notes <paramref name="said"/>'s sender and id; false when a line with both and the same text was shown from a history
    /// before the server's last reset (within one history, a client that uses an id twice is shown twice).
    /// </summary>
    private bool Remember(Said said)
    {
        if (said.Id is not { } id || recentCapacity == 0)
        {
            return true;
        }

        var key = (said.From, id);
        if (_recent.TryGetValue(key, out var seen))
        {
            if (seen.History < _history && string.Equals(seen.Text, said.Text, StringComparison.Ordinal))
            {
                return false;
            }

            _recent[key] = (said.Text, _history);
            return true;
        }

        if (_recent.Count >= recentCapacity)
        {
            _recent.Remove(_recentOrder.Dequeue());
        }

        _recent[key] = (said.Text, _history);
        _recentOrder.Enqueue(key);
        return true;
    }

    private bool Add(ChatMessage line, bool context) => context ? conversation.TryAddContext(line) : conversation.TryAddNew(line);

    /// <summary>An error with the id of a pending broadcast marks it failed; false when the id is not ours.</summary>
    public bool OnError(ErrorFrame error)
    {
        if (error.Id is not { } id)
        {
            return false;
        }

        lock (_gate)
        {
            var index = _pending.FindIndex(p => p.Id == id);
            if (index < 0)
            {
                return false;
            }

            _pending.RemoveAt(index);
        }

        conversation.Update(id, m => m with { State = DeliveryState.Failed, Error = error.Message });
        return true;
    }

    /// <summary>The link closed for good: nothing pending will go out.</summary>
    public void FailAll(string reason) => FailWhere(_ => true, reason);

    private void FailWhere(Predicate<PendingSay> match, string reason)
    {
        List<PendingSay> failed;
        lock (_gate)
        {
            failed = _pending.FindAll(match);
            _pending.RemoveAll(match);
        }

        foreach (var say in failed)
        {
            conversation.Update(say.Id, m => m with { State = DeliveryState.Failed, Error = reason });
        }
    }

    private Task FlushAsync(CancellationToken cancellationToken)
    {
        var session = link.OnlineSession;
        lock (_gate)
        {
            // A session whose welcome is still being taken in: its welcome flushes what waits once it is done.
            if (session != _readySession)
            {
                return Task.CompletedTask;
            }
        }

        return FlushAsync(session, cancellationToken);
    }

    /// <summary>Writes every pending broadcast not yet written on <paramref name="session"/>, oldest first.</summary>
    private async Task FlushAsync(int session, CancellationToken cancellationToken)
    {
        if (session == 0)
        {
            return;
        }

        await _flushGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            List<PendingSay> due;
            lock (_gate)
            {
                due = _pending.FindAll(p => p.SentInSession != session);
                foreach (var say in due)
                {
                    say.SentInSession = session;
                }
            }

            foreach (var say in due)
            {
                // Not the caller's token: a write given up halfway would leave the message marked as written.
                if (!await link.TrySendAsync(new Say(say.Id, say.Text), session, CancellationToken.None).ConfigureAwait(false))
                {
                    // The session ended; the next welcome sends what the server did not get.
                    return;
                }
            }
        }
        finally
        {
            _flushGate.Release();
        }
    }

    /// <summary>Called after the link's loop has ended: nothing flushes any more.</summary>
    public void Dispose() => _flushGate.Dispose();

    private void AddSystemLine(SystemLine line) => conversation.Add(ChatMessage.System(ids.NextSystem(), line, time.GetUtcNow()));

    private sealed class PendingSay(string id, string text)
    {
        public string Id { get; } = id;

        public string Text { get; } = text;

        /// <summary>The session it was last written on; 0 when not yet written.</summary>
        public int SentInSession { get; set; }
    }

    private sealed class RecentKeyComparer : IEqualityComparer<(string From, string Id)>
    {
        public static readonly RecentKeyComparer Instance = new();

        public bool Equals((string From, string Id) x, (string From, string Id) y) =>
            string.Equals(x.From, y.From, StringComparison.OrdinalIgnoreCase) && string.Equals(x.Id, y.Id, StringComparison.Ordinal);

        public int GetHashCode((string From, string Id) key) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(key.From), StringComparer.Ordinal.GetHashCode(key.Id));
    }
}
