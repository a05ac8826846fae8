using WebPeerBridge.Peer.Changes;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Peer.Rendezvous;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Validation;

namespace WebPeerBridge.Peer;

// What the rendezvous server says, routed to presence, the broadcast stream and the user's notices.
public sealed partial class PeerAgent
{
    private readonly Dictionary<string, DateTimeOffset> _droppedByResync = new(StringComparer.OrdinalIgnoreCase);
    private RendezvousState _reportedState = RendezvousState.Connecting;

    private async ValueTask OnWelcomeAsync(Welcome welcome, int session, long? since, CancellationToken cancellationToken)
    {
        var first = Interlocked.Exchange(ref _self, welcome.You) is null;
        var (added, removed, moved) = _directory.Reset(welcome.Peers, Name);
        if (first)
        {
            RaisePresence(added, removed, moved, quiet: true);
        }
        else
        {
            // A re-welcome lists again who we knew: no news. Who is missing may be reconnecting to a restarted server,
            // so their next joined is no news either (within RejoinGrace); only names never listed are arrivals.
            var now = _time.GetUtcNow();
            List<PeerInfo> returned = [];
            List<PeerInfo> arrived = [];
            lock (_gate)
            {
                foreach (var (name, at) in _droppedByResync.ToList())
                {
                    if (now - at > Options.RejoinGrace)
                    {
                        _droppedByResync.Remove(name);
                    }
                }

                foreach (var peer in removed)
                {
                    _droppedByResync[peer.Name] = now;
                }

                foreach (var peer in added)
                {
                    (_droppedByResync.Remove(peer.Name) ? returned : arrived).Add(peer);
                }
            }

            RaisePresence(returned, removed, moved, quiet: true);
            foreach (var peer in returned.Concat(arrived))
            {
                _messaging.SendQueued(peer);
            }

            foreach (var peer in arrived)
            {
                RaiseNotice(new AgentNotice(NoticeKind.Joined, peer.Name, Endpoint(peer)));
            }

            RaisePresence(arrived, [], [], quiet: false);
        }

        await _broadcasts.OnWelcomeAsync(welcome, session, since, cancellationToken).ConfigureAwait(false);
        RaiseState();
    }

    private ValueTask OnFrameAsync(Frame frame)
    {
        switch (frame)
        {
            case Joined { Peer: var peer } when !string.Equals(peer.Name, Name, StringComparison.OrdinalIgnoreCase):
                OnJoined(peer);
                break;

            case Left left:
                // What a message to the peer would do once it is gone (wait for it, or say why not) is settled before
                // the peer leaves the list: whoever sees it gone and writes to it gets that answer.
                if (_directory.Find(left.Name) is { } leaving)
                {
                    _messaging.Delivery.PeerLeft(leaving, left.Reason);
                }

                if (_directory.Remove(left.Name) is { } gone)
                {
                    RaiseNotice(new AgentNotice(NoticeKind.Left, gone.Name, LeftReason: left.Reason));
                    AddSystemLine(_conversations.Find(gone.Name), new SystemLine(SystemLineKind.PeerLeft, gone.Name, left.Reason));
                    _bursts.Add(joined: false, [gone.Name], _time.GetUtcNow(), left.Reason);
                    Raise(new PresenceChanged([], [gone], [], Quiet: false, left.Reason));
                }

                break;

            case Said said:
                _broadcasts.OnSaid(said);
                break;

            case ErrorFrame error:
                if (!_broadcasts.OnError(error))
                {
                    LogServerError(TextRules.ForLog(error.Code), TextRules.ForLog(error.Message));
                    RaiseNotice(new AgentNotice(NoticeKind.ServerError, Detail: error.Message));
                }

                break;
        }

        return ValueTask.CompletedTask;
    }

    private void OnJoined(PeerInfo received)
    {
        // "Is back" belongs only in a conversation that was there while the peer was not listed: one opened once the
        // list shows the peer (the user may open it the moment it appears) never missed it.
        var waiting = _conversations.Find(received.Name);
        var (peer, previous) = _directory.Upsert(received);
        if (previous is not null)
        {
            RaiseNotice(new AgentNotice(NoticeKind.Moved, peer.Name, Endpoint(peer)));
            RaisePresence([], [], [peer], quiet: true);
            return;
        }

        bool returning;
        lock (_gate)
        {
            returning = _droppedByResync.Remove(peer.Name, out var droppedAt) && _time.GetUtcNow() - droppedAt <= Options.RejoinGrace;
        }

        _messaging.SendQueued(peer);
        if (returning)
        {
            RaisePresence([peer], [], [], quiet: true);
            return;
        }

        RaiseNotice(new AgentNotice(NoticeKind.Joined, peer.Name, Endpoint(peer)));
        AddSystemLine(waiting, new SystemLine(SystemLineKind.PeerBack, peer.Name));
        RaisePresence([peer], [], [], quiet: false);
    }

    private void AddSystemLine(Conversation? conversation, SystemLine line) =>
        conversation?.Add(ChatMessage.System(_ids.NextSystem(), line, _time.GetUtcNow()));

    private void RaisePresence(IReadOnlyList<PeerInfo> joined, IReadOnlyList<PeerInfo> left, IReadOnlyList<PeerInfo> moved, bool quiet)
    {
        if (joined.Count + left.Count + moved.Count > 0)
        {
            if (!quiet)
            {
                var now = _time.GetUtcNow();
                _bursts.Add(joined: true, [.. joined.Select(p => p.Name)], now, null);
                _bursts.Add(joined: false, [.. left.Select(p => p.Name)], now, null);
            }

            Raise(new PresenceChanged(joined, left, moved, quiet));
        }
    }

    private void OnStateChanged(RendezvousState state, string? detail)
    {
        RendezvousState previous;
        lock (_gate)
        {
            previous = _reportedState;
            _reportedState = state;
        }

        if (previous != state && Volatile.Read(ref _leaving) is null)
        {
            switch (state)
            {
                case RendezvousState.Reconnecting when previous == RendezvousState.Online:
                    RaiseNotice(new AgentNotice(NoticeKind.Reconnecting, Detail: detail));
                    break;
                case RendezvousState.Online when previous == RendezvousState.Reconnecting:
                    RaiseNotice(new AgentNotice(NoticeKind.BackOnline));
                    break;
                case RendezvousState.Closed when previous != RendezvousState.Connecting:
                    RaiseNotice(new AgentNotice(NoticeKind.Disconnected, Detail: detail));
                    break;
            }
        }

        if (previous != state && state == RendezvousState.Closed)
        {
            _broadcasts.FailAll(detail ?? "Not connected to the rendezvous server.");
        }

        RaiseState();
    }

    private static string Endpoint(PeerInfo peer) => Transport.TcpDialer.Describe(peer.Host, peer.Port);

    /// <summary>The agent's side of the rendezvous link, kept off its public surface.</summary>
    private sealed class RendezvousEvents(PeerAgent agent) : IRendezvousHandler
    {
        public long? ResumeSeq => agent._broadcasts.ResumeSeq;

        public ValueTask OnWelcomeAsync(Welcome welcome, int session, long? since, CancellationToken cancellationToken) =>
            agent.OnWelcomeAsync(welcome, session, since, cancellationToken);

        public ValueTask OnFrameAsync(Frame frame, int session, CancellationToken cancellationToken) => agent.OnFrameAsync(frame);

        public void OnStateChanged(RendezvousState state, string? detail) => agent.OnStateChanged(state, detail);
    }
}
