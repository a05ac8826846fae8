namespace WebPeerBridge.Peer.Presence;

/// <summary>
/// The latest joins and leaves, condensed: one that comes within <c>window</c> of a burst of the same kind joins it.
/// Keeps at most <c>capacity</c> bursts: the agent stores no line per join.
/// </summary>
internal sealed class PresenceBursts(int capacity, TimeSpan window)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<PresenceBurst> _bursts = new();
    private PresenceBurst[]? _snapshot = [];
    private long _nextId;

    /// <summary>Oldest first; the returned list does not change.</summary>
    public IReadOnlyList<PresenceBurst> Items
    {
        get
        {
            lock (_gate)
            {
                return _snapshot ??= [.. _bursts];
            }
        }
    }

    /// <summary>Adds <paramref name="names"/> to the newest burst when it takes them, else starts one; returns the burst they are in.</summary>
    public PresenceBurst? Add(bool joined, IReadOnlyList<string> names, DateTimeOffset at, string? reason)
    {
        if (names.Count == 0)
        {
            return null;
        }

        lock (_gate)
        {
            _snapshot = null;
            if (_bursts.Last is { Value: var newest } last && newest.Joined == joined && at - newest.At <= window)
            {
                last.Value = Grow(newest, names) with { Reason = null };
                return last.Value;
            }

            var started = Grow(new PresenceBurst(++_nextId, joined, [], 0, at, null), names) with { Reason = names.Count == 1 ? reason : null };
            _bursts.AddLast(started);
            while (_bursts.Count > capacity)
            {
                _bursts.RemoveFirst();
            }

            return started;
        }
    }

    private static PresenceBurst Grow(PresenceBurst burst, IReadOnlyList<string> names)
    {
        var shown = burst.Names.ToList();
        foreach (var name in names)
        {
            if (shown.Count < PresenceBurst.NamesKept)
            {
                shown.Add(name);
            }
        }

        return burst with { Names = shown, Count = burst.Count + names.Count };
    }
}
