using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Peer.Rendezvous;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Validation;

namespace WebPeerBridge.Peer;

// What the rendezvous server says, routed to presence, the broadcast stream and the user's notices.
public sealed partial class PeerAgent
{
    private RendezvousState _reportedState = RendezvousState.Connecting;

    private async ValueTask OnWelcomeAsync(Welcome welcome, int session, long? since, CancellationToken cancellationToken)
    {
        var first = Interlocked.Exchange(ref _self, welcome.You) is null;
        var (added, removed) = _directory.Reset(welcome.Peers, Name);
        if (!first)
        {
            // What happened while we were away.
            foreach (var peer in removed)
            {
                _notices.Raise(NoticeKind.Left, $"{peer.Name} left", peer.Name);
            }

            foreach (var peer in added)
            {
                _notices.Raise(NoticeKind.Joined, $"{peer.Name} joined ({Endpoint(peer)})", peer.Name);
            }
        }

        await _broadcasts.OnWelcomeAsync(welcome, session, since, cancellationToken).ConfigureAwait(false);
        _changed.Notify();
    }

    private ValueTask OnFrameAsync(Frame frame)
    {
        switch (frame)
        {
            case Joined { Peer: var peer } when !string.Equals(peer.Name, Name, StringComparison.OrdinalIgnoreCase):
                var previous = _directory.Upsert(peer);
                if (previous is null)
                {
                    _notices.Raise(NoticeKind.Joined, $"{peer.Name} joined ({Endpoint(peer)})", peer.Name);
                    AddSystemLine($"{peer.Name} joined.");
                }
                else
                {
                    _notices.Raise(NoticeKind.Info, $"{peer.Name} is now at {Endpoint(peer)}", peer.Name);
                }

                _changed.Notify();
                break;

            case Left left:
                if (_directory.Remove(left.Name) is { } gone)
                {
                    var why = left.Reason switch
                    {
                        LeftReasons.Timeout => " (timed out)",
                        LeftReasons.Error => " (connection lost)",
                        _ => "",
                    };
                    _notices.Raise(NoticeKind.Left, $"{gone.Name} left{why}", gone.Name);
                    AddSystemLine($"{gone.Name} left{why}.");
                    _changed.Notify();
                }

                break;

            case Said said:
                _broadcasts.OnSaid(said);
                break;

            case ErrorFrame error:
                if (!_broadcasts.OnError(error))
                {
                    LogServerError(TextRules.ForLog(error.Code), TextRules.ForLog(error.Message));
                    _notices.Raise(NoticeKind.Error, $"The server says: {error.Message}");
                }

                break;
        }

        return ValueTask.CompletedTask;
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
                    _notices.Raise(NoticeKind.Error, $"{detail ?? "Lost the rendezvous server."} Reconnecting…");
                    break;
                case RendezvousState.Online when previous == RendezvousState.Reconnecting:
                    _notices.Raise(NoticeKind.Info, "Back online.");
                    break;
                case RendezvousState.Closed when previous != RendezvousState.Connecting:
                    _notices.Raise(NoticeKind.Error, $"Disconnected from the rendezvous server. {detail}".TrimEnd());
                    break;
            }

        }

        if (previous != state && state == RendezvousState.Closed)
        {
            _broadcasts.FailAll(detail ?? "Not connected to the rendezvous server.");
        }

        _changed.Notify();
    }

    private void AddSystemLine(string text) =>
        Broadcast.Add(new ChatMessage(_ids.NextSystem(), "", text, _time.GetUtcNow(), IsOwn: false, DeliveryState.None, ChatMessageKind.System));

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
