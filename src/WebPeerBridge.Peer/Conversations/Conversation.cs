using WebPeerBridge.Peer.Changes;
using WebPeerBridge.Peer.Mentions;

namespace WebPeerBridge.Peer.Conversations;

/// <summary>
/// A conversation's bounded history with its unread and highlight counts. Thread-safe: the agent's loops add and
/// update lines, a UI reads <see cref="Snapshot"/> and hears every change through the agent's subscription
/// (<see cref="PeerAgent.Subscribe"/>): <see cref="LinesAdded"/>, <see cref="LineUpdated"/>, <see cref="ConversationRead"/>.
/// Reading is the person's act: a UI calls <see cref="MarkRead"/> or holds <see cref="BeginReading"/> while they look.
/// </summary>
public sealed class Conversation
{
    private readonly Lock _gate = new();
    private readonly LinkedList<ChatMessage> _messages = new();
    private readonly Dictionary<string, LinkedListNode<ChatMessage>> _byId = new(StringComparer.Ordinal);
    private readonly string _ownName;
    private readonly Action<AgentChange> _raise;
    private ChatMessage[]? _snapshot;
    private int _unread;
    private int _highlights;
    private int _readers;

    internal Conversation(string key, ConversationKind kind, int capacity, string ownName, Action<AgentChange> raise)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Key = key;
        Kind = kind;
        Capacity = capacity;
        _ownName = ownName;
        _raise = raise;
    }

    /// <summary>The broadcast key (<see cref="BroadcastKey"/>) or the peer's name.</summary>
    public string Key { get; }

    /// <summary>The key of the broadcast stream (not a valid peer name).</summary>
    public const string BroadcastKey = "#broadcast";

    public ConversationKind Kind { get; }

    /// <summary>How many lines are held; the oldest goes when a line comes past it.</summary>
    public int Capacity { get; }

    /// <summary>Received chat lines not yet read.</summary>
    public int Unread
    {
        get
        {
            lock (_gate)
            {
                return _unread;
            }
        }
    }

    /// <summary>Unread lines meant for the person: every received line of a direct conversation, mentions elsewhere.</summary>
    public int Highlights
    {
        get
        {
            lock (_gate)
            {
                return _highlights;
            }
        }
    }

    /// <summary>The newest line, if any.</summary>
    public ChatMessage? Last
    {
        get
        {
            lock (_gate)
            {
                return _messages.Last?.Value;
            }
        }
    }

    /// <summary>The lines, oldest first; the returned list does not change.</summary>
    public IReadOnlyList<ChatMessage> Snapshot()
    {
        lock (_gate)
        {
            return _snapshot ??= [.. _messages];
        }
    }

    /// <summary>Adds a line, or replaces the line with the same id. Received chat lines count as unread.</summary>
    public void Add(ChatMessage message) => Add(message, replace: true, news: true);

    /// <summary>Adds a line unless one with the same id is held (a repeated dm must not change what was shown); false then.</summary>
    public bool TryAddNew(ChatMessage message) => Add(message, replace: false, news: true);

    /// <summary>Like <see cref="TryAddNew"/> for history that is context, not news: it asks for nobody's attention.</summary>
    internal bool TryAddContext(ChatMessage message) => Add(message, replace: false, news: false);

    private bool Add(ChatMessage message, bool replace, bool news)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(message.Id, out var existing))
            {
                if (!replace)
                {
                    return false;
                }

                var previous = existing.Value;
                existing.Value = message;
                _snapshot = null;
                _raise(new LineUpdated(this, message, previous));
                return true;
            }

            var received = !message.IsOwn && message.Kind == ChatMessageKind.Chat;
            if (received && !message.MentionsYou && MentionRules.Mentions(message.Text, _ownName))
            {
                message = message with { MentionsYou = true };
            }

            _byId[message.Id] = _messages.AddLast(message);
            if (_messages.Count > Capacity)
            {
                _byId.Remove(_messages.First!.Value.Id);
                _messages.RemoveFirst();
            }

            var attention = !received ? (AttentionKind?)null
                : Kind == ConversationKind.Direct ? AttentionKind.DirectMessage
                : message.MentionsYou ? AttentionKind.Mention
                : null;
            var unread = received && _readers == 0;
            if (unread)
            {
                _unread++;
                if (attention is not null)
                {
                    _highlights++;
                }
            }

            _snapshot = null;
            // Raised under the lock: subscribers hear the lines of a conversation in the order it holds them.
            _raise(new LinesAdded(this, [message], unread ? 1 : 0));
            if (news && attention is { } kind)
            {
                _raise(new AttentionRaised(this, message, kind));
            }
        }

        return true;
    }

    /// <summary>The line with this id, if it is held.</summary>
    public bool TryGet(string id, out ChatMessage message)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(id, out var node))
            {
                message = node.Value;
                return true;
            }
        }

        message = null!;
        return false;
    }

    /// <summary>Whether a line with this id is held.</summary>
    public bool Contains(string id)
    {
        lock (_gate)
        {
            return _byId.ContainsKey(id);
        }
    }

    /// <summary>Changes the state of an own message; false when it is no longer held.</summary>
    public bool Update(string id, Func<ChatMessage, ChatMessage> change)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var node))
            {
                return false;
            }

            var previous = node.Value;
            node.Value = change(previous);
            if (!ReferenceEquals(previous, node.Value))
            {
                _snapshot = null;
                _raise(new LineUpdated(this, node.Value, previous));
            }
        }

        return true;
    }

    /// <summary>
    /// Puts back the lines of a snapshot (a bridge restart), oldest first, with <paramref name="unread"/> of them unread;
    /// lines held already stay. Called before anyone subscribes.
    /// </summary>
    internal void Restore(IEnumerable<ChatMessage> messages, int unread)
    {
        lock (_gate)
        {
            foreach (var message in messages)
            {
                if (_byId.ContainsKey(message.Id))
                {
                    continue;
                }

                _byId[message.Id] = _messages.AddLast(message);
                if (_messages.Count > Capacity)
                {
                    _byId.Remove(_messages.First!.Value.Id);
                    _messages.RemoveFirst();
                }
            }

            _unread = Math.Max(0, unread);
            // The highlights among the unread: the newest received lines that were meant for the person.
            _highlights = _messages.Reverse().Where(m => !m.IsOwn && m.Kind == ChatMessageKind.Chat).Take(_unread)
                .Count(m => Kind == ConversationKind.Direct || m.MentionsYou);
            _snapshot = null;
        }
    }

    /// <summary>The person has seen everything.</summary>
    public void MarkRead()
    {
        lock (_gate)
        {
            if (_unread == 0 && _highlights == 0)
            {
                return;
            }

            _unread = 0;
            _highlights = 0;
            _raise(new ConversationRead(this));
        }
    }

    /// <summary>
    /// The person is looking at this conversation (a shown page): it is read now, and lines that arrive until the handle
    /// is disposed count as read. Handles nest (two tabs on one conversation).
    /// </summary>
    public IDisposable BeginReading()
    {
        lock (_gate)
        {
            _readers++;
        }

        MarkRead();
        return new Reading(this);
    }

    private void EndReading()
    {
        lock (_gate)
        {
            _readers--;
        }
    }

    private sealed class Reading(Conversation owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.EndReading();
            }
        }
    }
}
