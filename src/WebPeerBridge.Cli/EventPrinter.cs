using System.Globalization;
using WebPeerBridge.Peer;
using WebPeerBridge.Peer.Conversations;

namespace WebPeerBridge.Cli;

/// <summary>
/// Prints what happens to an agent, one line per event: new lines of every conversation (found by comparing snapshots),
/// delivery state changes of own messages, and the agent's notices.
/// </summary>
internal sealed class EventPrinter : IDisposable
{
    private readonly PeerAgent _agent;
    private readonly TerminalOutput _output;
    private readonly Lock _gate = new();
    private readonly Dictionary<Conversation, Dictionary<string, DeliveryState>> _seen = [];
    private readonly List<IDisposable> _subscriptions = [];
    private bool _started;

    public EventPrinter(PeerAgent agent, TerminalOutput output)
    {
        _agent = agent;
        _output = output;
        _subscriptions.Add(agent.SubscribeNotices(OnNotice));
        _subscriptions.Add(agent.Subscribe(OnAgentChanged));
    }

    /// <summary>Prints everything already there (the history of the welcome) and follows from then on.</summary>
    public void Start()
    {
        lock (_gate)
        {
            _started = true;
        }

        OnAgentChanged();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Dispose();
            }

            _subscriptions.Clear();
        }
    }

    private void OnAgentChanged()
    {
        lock (_gate)
        {
            if (!_started)
            {
                return;
            }
        }

        foreach (var conversation in _agent.DirectConversations.Prepend(_agent.Broadcast))
        {
            bool added;
            lock (_gate)
            {
                added = _seen.TryAdd(conversation, []);
                if (added)
                {
                    var target = conversation;
                    _subscriptions.Add(conversation.Subscribe(() => Sync(target, initial: false)));
                }
            }

            if (added)
            {
                Sync(conversation, initial: conversation.Kind == ConversationKind.Broadcast);
            }
        }
    }

    /// <summary>Prints what changed since the last call; <paramref name="initial"/>: the history at joining, without receipts.</summary>
    private void Sync(Conversation conversation, bool initial)
    {
        lock (_gate)
        {
            if (!_seen.TryGetValue(conversation, out var seen))
            {
                return;
            }

            var snapshot = conversation.Snapshot();
            var now = new Dictionary<string, DeliveryState>(snapshot.Count);
            foreach (var message in snapshot)
            {
                now[message.Id] = message.State;
                if (message.Kind == ChatMessageKind.System)
                {
                    continue; // the notices say it already
                }

                if (!seen.TryGetValue(message.Id, out var before))
                {
                    _output.Line(FormatMessage(conversation, message, showId: message.IsOwn && !initial));
                    before = message.IsOwn && !initial ? DeliveryState.Sending : message.State;
                }

                if (message.IsOwn && message.State != before && FormatState(message) is { } change)
                {
                    _output.Line(change);
                }
            }

            // Only what the conversation still holds: memory stays bounded by its capacity.
            _seen[conversation] = now;
        }
    }

    private void OnNotice(AgentNotice notice) =>
        _output.Line(notice.Kind == NoticeKind.Error ? $"! {notice.Text}" : $"* {notice.Text}");

    private string FormatMessage(Conversation conversation, ChatMessage message, bool showId)
    {
        var time = message.At.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var channel = conversation.Kind == ConversationKind.Broadcast
            ? ""
            : message.IsOwn ? $"[dm to {conversation.Key}] " : "[dm] ";
        var id = showId ? $"  ({message.Id})" : "";
        // A verified link needs no mark; a plain or classic one cannot prove who sent it.
        var trust = conversation.Kind == ConversationKind.Direct && !message.IsOwn && _agent.IsUnverified(conversation.Key) ? "  (unverified)" : "";
        return $"[{time}] {channel}<{message.From}> {message.Text}{id}{trust}";
    }

    private static string? FormatState(ChatMessage message) => message.State switch
    {
        DeliveryState.Delivered => $"✓ delivered {message.Id}",
        DeliveryState.Sent => $"→ sent {message.Id}",
        DeliveryState.Failed => $"✗ failed {message.Id}: {message.Error}",
        DeliveryState.Sending => $"… sending {message.Id} again",
        _ => null,
    };
}
