using WebPeerBridge.Peer.Changes;

namespace WebPeerBridge.Peer.Conversations;

/// <summary>
/// The broadcast stream and one direct conversation per peer (names compared ignoring case), in start order. Their
/// changes, and the start of a new one (<see cref="ConversationOpened"/>), go to <paramref name="raise"/>.
/// </summary>
internal sealed class ConversationStore(int capacity, string ownName, Action<AgentChange> raise)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Conversation> _byName = new(StringComparer.OrdinalIgnoreCase);
    private Conversation[] _directs = [];

    public Conversation Broadcast { get; } = new(Conversation.BroadcastKey, ConversationKind.Broadcast, capacity, ownName, raise);

    public IReadOnlyList<Conversation> Directs => Volatile.Read(ref _directs);

    public Conversation? Find(string peerName)
    {
        lock (_gate)
        {
            return _byName.GetValueOrDefault(peerName);
        }
    }

    /// <summary>The conversation with <paramref name="peerName"/>; <paramref name="created"/> tells whether it is new.</summary>
    public Conversation Open(string peerName, out bool created)
    {
        lock (_gate)
        {
            if (_byName.TryGetValue(peerName, out var existing))
            {
                created = false;
                return existing;
            }

            var conversation = new Conversation(peerName, ConversationKind.Direct, capacity, ownName, raise);
            _byName[peerName] = conversation;
            _directs = [.. _directs, conversation];
            created = true;
            raise(new ConversationOpened(conversation));
            return conversation;
        }
    }

    /// <summary>The conversation with this key: the broadcast stream or a direct one.</summary>
    public Conversation? FindByKey(string key) =>
        key == Conversation.BroadcastKey ? Broadcast : Find(key);
}
