using WebPeerBridge.Peer.Changes;

namespace WebPeerBridge.Peer.Conversations;

/// <summary>
/// The broadcast stream and one direct conversation per peer (names compared ignoring case), in start order. Their
/// changes, and the start of a new one (<see cref="ConversationOpened"/>), go to <paramref name="raise"/>. At most
/// <c>maxDirects</c> direct conversations are kept: opening one more forgets an empty one if there is one, else the one
/// used longest ago (opening, sending and receiving use it), so peers that connect in a loop cannot make the agent hold
/// more (DESIGN.md, "A hostile host on the LAN harms only itself").
/// </summary>
internal sealed class ConversationStore(int capacity, int maxDirects, string ownName, Action<AgentChange> raise)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Conversation>> _byName = new(StringComparer.OrdinalIgnoreCase);

    // Least recently used first.
    private readonly LinkedList<Conversation> _byUse = new();
    private Conversation[] _directs = [];

    public Conversation Broadcast { get; } = new(Conversation.BroadcastKey, ConversationKind.Broadcast, capacity, ownName, raise);

    public IReadOnlyList<Conversation> Directs => Volatile.Read(ref _directs);

    public Conversation? Find(string peerName)
    {
        lock (_gate)
        {
            return _byName.GetValueOrDefault(peerName)?.Value;
        }
    }

    /// <summary>
    /// The conversation with <paramref name="peerName"/>, marked as just used; <paramref name="created"/> tells whether it
    /// is new (then another may have been forgotten to make room: <see cref="Directs"/> tells).
    /// </summary>
    public Conversation Open(string peerName, out bool created)
    {
        lock (_gate)
        {
            if (_byName.TryGetValue(peerName, out var existing))
            {
                _byUse.Remove(existing);
                _byUse.AddLast(existing);
                created = false;
                return existing.Value;
            }

            if (_byName.Count >= maxDirects)
            {
                ForgetOne();
            }

            var conversation = new Conversation(peerName, ConversationKind.Direct, capacity, ownName, raise);
            _byName[peerName] = _byUse.AddLast(conversation);
            _directs = [.. _directs, conversation];
            created = true;
            raise(new ConversationOpened(conversation));
            return conversation;
        }
    }

    /// <summary>The conversation with this key: the broadcast stream or a direct one.</summary>
    public Conversation? FindByKey(string key) =>
        key == Conversation.BroadcastKey ? Broadcast : Find(key);

    private void ForgetOne()
    {
        var victim = _byUse.First!;
        for (var node = _byUse.First; node is not null; node = node.Next)
        {
            if (node.Value.Last is null)
            {
                victim = node;
                break;
            }
        }

        _byUse.Remove(victim);
        _byName.Remove(victim.Value.Key);
        _directs = [.. _directs.Where(c => !ReferenceEquals(c, victim.Value))];
        raise(new ConversationForgotten(victim.Value));
    }
}
