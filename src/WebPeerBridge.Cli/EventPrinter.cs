using System.Globalization;
using WebPeerBridge.Peer;
using WebPeerBridge.Peer.Changes;
using WebPeerBridge.Peer.Conversations;

namespace WebPeerBridge.Cli;

/// <summary>
/// Prints what happens to an agent, one line per event, as its changes arrive: new lines of every conversation,
/// delivery state changes of own messages, and the agent's notices. It remembers which lines it printed (and in which
/// state), so that when the terminal fell so far behind that changes were left out (<see cref="ChangesLost"/>: stdout
/// blocked), it says so and prints the lines it missed from the conversations themselves, each once.
/// </summary>
internal sealed class EventPrinter : IDisposable
{
    private readonly PeerAgent _agent;
    private readonly TerminalOutput _output;
    private readonly Lock _gate = new();
    private readonly IDisposable _subscription;

    // Per conversation: the lines printed, with the state last printed (own lines). Bounded with the conversation.
    private readonly Dictionary<Conversation, Dictionary<string, DeliveryState>> _printed = new(ReferenceEqualityComparer.Instance);
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
            // Changes raised before the subscription saw them may still be on their way: those lines are printed once.
            foreach (var message in _agent.Broadcast.Snapshot().Where(m => m.Kind == ChatMessageKind.Chat))
            {
                Printed(_agent.Broadcast)[message.Id] = message.State;
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
                    _output.Line(notice.IsError ? $"! {NoticeText.For(notice)}" : $"* {NoticeText.For(notice)}");
                    break;

                case LinesAdded added:
                    foreach (var message in added.Lines)
                    {
                        // System lines: the notices say it already.
                        if (message.Kind == ChatMessageKind.Chat)
                        {
                            PrintNew(added.Conversation, message);
                        }
                    }

                    break;

                case LineUpdated { Line: { IsOwn: true, Kind: ChatMessageKind.Chat } line } updated:
                    PrintState(updated.Conversation, line);
                    break;

                case ConversationForgotten forgotten:
                    _printed.Remove(forgotten.Conversation);
                    break;

                case ChangesLost:
                    // stdout blocked so long that changes were left out: what they said is in the conversations.
                    _output.Line("! This terminal fell behind the chat; the lines it missed follow (notices from then are not repeated).");
                    foreach (var conversation in _agent.DirectConversations.Prepend(_agent.Broadcast))
                    {
                        foreach (var message in conversation.Snapshot().Where(m => m.Kind == ChatMessageKind.Chat))
                        {
                            if (!PrintNew(conversation, message) && message.IsOwn)
                            {
                                PrintState(conversation, message);
                            }
                        }
                    }

                    break;
            }
        }
    }

    // Prints a line not printed yet (and its state, when it is past sending); false when it was printed before.
    private bool PrintNew(Conversation conversation, ChatMessage message)
    {
        var printed = Printed(conversation);
        if (!printed.TryAdd(message.Id, message.State))
        {
            return false;
        }

        _output.Line(FormatMessage(conversation, message, showId: message.IsOwn));
        if (message.IsOwn && message.State != DeliveryState.Sending && FormatState(message) is { } state)
        {
            _output.Line(state);
        }

        if (printed.Count > 2 * conversation.Capacity)
        {
            // Lines the conversation no longer holds will not come again: forget them, so memory stays bounded.
            var held = conversation.Snapshot().Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var id in printed.Keys.Where(id => !held.Contains(id)).ToList())
            {
                printed.Remove(id);
            }
        }

        return true;
    }

    // Prints the state of a printed own line when it is not the state printed last.
    private void PrintState(Conversation conversation, ChatMessage line)
    {
        var printed = Printed(conversation);
        if (printed.TryGetValue(line.Id, out var shown) && shown != line.State && FormatState(line) is { } state)
        {
            printed[line.Id] = line.State;
            _output.Line(state);
        }
    }

    private Dictionary<string, DeliveryState> Printed(Conversation conversation)
    {
        if (!_printed.TryGetValue(conversation, out var printed))
        {
            _printed[conversation] = printed = new Dictionary<string, DeliveryState>(StringComparer.Ordinal);
        }

        return printed;
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
