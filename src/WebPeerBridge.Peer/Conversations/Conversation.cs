namespace WebPeerBridge.Peer.Conversations;

/// <summary>
/// A conversation's bounded history with an unread count. Thread-safe: the agent's loops add and update lines, a UI
/// reads <see cref="Snapshot"/> and subscribes to changes. Subscribers are called on the thread that made the change,
/// so a UI marshals to its own (Blazor: <c>InvokeAsync</c>).
/// </summary>
public sealed class Conversation
{
    private readonly Lock _gate = new();
    private readonly LinkedList<ChatMessage> _messages = new();
    private readonly Dictionary<string, LinkedListNode<ChatMessage>> _byId = new(StringComparer.Ordinal);
    private readonly int _capacity;
    private readonly ChangeNotifier _changed = new();
    private ChatMessage[]? _snapshot;
    private int _unread;
    private long _version;

    public Conversation(string key, ConversationKind kind, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Key = key;
        Kind = kind;
        _capacity = capacity;
    }

    /// <summary>The broadcast key (<see cref="BroadcastKey"/>) or the peer's name.</summary>
    public string Key { get; }

    /// <summary>The key of the broadcast stream (not a valid peer name).</summary>
    public const string BroadcastKey = "#broadcast";

    public ConversationKind Kind { get; }

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

    /// <summary>Grows with every change; a UI may compare it to skip renders.</summary>
    public long Version => Interlocked.Read(ref _version);

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

    /// <summary>Calls <paramref name="onChanged"/> after every change, until the returned handle is disposed.</summary>
    public IDisposable Subscribe(Action onChanged) => _changed.Subscribe(onChanged);

    /// <summary>Adds a line, or replaces the line with the same id. Received chat lines count as unread.</summary>
    public void Add(ChatMessage message) => Add(message, replace: true);

    /// <summary>Adds a line unless one with the same id is held (a repeated dm must not change what was shown); false then.</summary>
    public bool TryAddNew(ChatMessage message) => Add(message, replace: false);

    private bool Add(ChatMessage message, bool replace)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(message.Id, out var existing))
            {
                if (!replace)
                {
                    return false;
                }

                existing.Value = message;
            }
            else
            {
                _byId[message.Id] = _messages.AddLast(message);
                if (_messages.Count > _capacity)
                {
                    _byId.Remove(_messages.First!.Value.Id);
                    _messages.RemoveFirst();
                }

                if (!message.IsOwn && message.Kind == ChatMessageKind.Chat)
                {
                    _unread++;
                }
            }

            Touch();
        }

        _changed.Notify();
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

            node.Value = change(node.Value);
            Touch();
        }

        _changed.Notify();
        return true;
    }

    /// <summary>
    /// Puts back the lines of a snapshot (a bridge restart), oldest first, with <paramref name="unread"/> of them unread;
    /// lines held already stay.
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
                if (_messages.Count > _capacity)
                {
                    _byId.Remove(_messages.First!.Value.Id);
                    _messages.RemoveFirst();
                }
            }

            _unread = Math.Max(0, unread);
            Touch();
        }

        _changed.Notify();
    }

    /// <summary>The user has seen everything.</summary>
    public void MarkRead()
    {
        lock (_gate)
        {
            if (_unread == 0)
            {
                return;
            }

            _unread = 0;
            Touch();
        }

        _changed.Notify();
    }

    private void Touch()
    {
        _snapshot = null;
        Interlocked.Increment(ref _version);
    }
}
