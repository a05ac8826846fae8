using System.Globalization;
using WebPeerBridge.Peer;
using WebPeerBridge.Peer.Changes;
using WebPeerBridge.Peer.Conversations;

namespace WebPeerBridge.Cli;

/// <summary>
/// Prints what happens to an agent, one line per event, as its changes arrive: new lines of every conversation,
/// delivery state changes of own messages, and the agent's notices.
/// </summary>
internal sealed class EventPrinter : IDisposable
{
    private readonly PeerAgent _agent;
    private readonly TerminalOutput _output;
    private readonly Lock _gate = new();
    private readonly IDisposable _subscription;
    private HashSet<string>? _printedAtStart;
    private bool _started;

    public EventPrinter(PeerAgent agent, TerminalOutput output)
    {
        _agent = agent;
        _output = output;
        _subscription = agent.Subscribe(OnChange);
    }

    /// <summary>Prints the broadcasts already there (the history of the welcome), without receipts, and follows from then on.</summary>
    public void Start()
    {
        lock (_gate)
        {
            var history = _agent.Broadcast.Snapshot();
            // Changes raised before the subscription saw them may still be on their way: those lines are printed once.
            _printedAtStart = new HashSet<string>(history.Count, StringComparer.Ordinal);
            foreach (var message in history.Where(m => m.Kind == ChatMessageKind.Chat))
            {
                _printedAtStart.Add(message.Id);
                _output.Line(FormatMessage(_agent.Broadcast, message, showId: false));
            }

            _started = true;
        }
    }

    public void Dispose() => _subscription.Dispose();

    private void OnChange(AgentChange change)
    {
        lock (_gate)
        {
            if (!_started)
            {
                return;
            }

            switch (change)
            {
                case NoticeRaised { Notice: var notice }:
                    _output.Line(notice.Kind == NoticeKind.Error ? $"! {notice.Text}" : $"* {notice.Text}");
                    break;

                case LinesAdded added:
                    foreach (var message in added.Lines)
                    {
                        // System lines: the notices say it already.
                        if (message.Kind == ChatMessageKind.Chat && _printedAtStart?.Remove(message.Id) != true)
                        {
                            _output.Line(FormatMessage(added.Conversation, message, showId: message.IsOwn));
                            if (message.IsOwn && message.State != DeliveryState.Sending && FormatState(message) is { } state)
                            {
                                _output.Line(state);
                            }
                        }
                    }

                    break;

                case LineUpdated { Line: { IsOwn: true, Kind: ChatMessageKind.Chat } line, Previous: var previous }
                    when line.State != previous.State && FormatState(line) is { } stateLine:
                    _output.Line(stateLine);
                    break;
            }
        }
    }

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
        DeliveryState.Failed => $"✗ failed {message.Id}: {FailureText.Of(message)}",
        DeliveryState.Sending => $"… sending {message.Id} again",
        DeliveryState.Queued => $"⏸ queued {message.Id}: it goes out when they are back",
        _ => null,
    };
}
