namespace WebPeerBridge.Peer.Mentions;

/// <summary>The latest mentions, newest first, at most <c>capacity</c> of them; the person dismisses one or all.</summary>
internal sealed class MentionList(int capacity)
{
    private readonly Lock _gate = new();
    private Mention[] _items = [];

    /// <summary>Newest first; the returned list does not change.</summary>
    public IReadOnlyList<Mention> Items => Volatile.Read(ref _items);

    public void Add(Mention mention)
    {
        lock (_gate)
        {
            var kept = Math.Min(_items.Length, capacity - 1);
            _items = [mention, .. _items[..kept]];
        }
    }

    /// <summary>Removes the mention of that line; false when it is not listed.</summary>
    public bool Dismiss(string conversationKey, string messageId)
    {
        lock (_gate)
        {
            var index = Array.FindIndex(_items, m => m.MessageId == messageId
                && string.Equals(m.ConversationKey, conversationKey, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                return false;
            }

            _items = [.. _items[..index], .. _items[(index + 1)..]];
            return true;
        }
    }

    /// <summary>Empties the list; false when it was empty.</summary>
    public bool DismissAll()
    {
        lock (_gate)
        {
            if (_items.Length == 0)
            {
                return false;
            }

            _items = [];
            return true;
        }
    }
}
