using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Peer.Presence;

/// <summary>
/// Everyone else online, in join order, kept up to date by <c>welcome</c>, <c>joined</c> and <c>left</c>. A
/// <c>joined</c> for a listed name updates it in place. Names compare ignoring case, as on the server. Indexed by name:
/// a join, a leave or a look-up costs the same with 10 peers or 1,000; the list handed out is built when asked for.
/// </summary>
/// <remarks>
/// Small per peer, since a bridge's every agent lists the whole network: the peers themselves come from a
/// <see cref="PeerPool"/> (one object per peer for all agents of the process), and the index is one array in join order
/// (a leave leaves a hole, squeezed out once holes are half of it) and a <see cref="NameIndex"/> of its positions: about
/// 20 bytes per peer, where a dictionary entry and a linked-list node cost about 100.
/// </remarks>
internal sealed class PeerDirectory
{
    private readonly Lock _gate = new();
    private readonly PeerPool _pool;
    private readonly NameIndex _byName;
    private PeerInfo?[] _slots = [];
    private int _used;
    private int _holes;
    private PeerInfo[]? _snapshot = [];
    private TaskCompletionSource _next = NewSignal();

    public PeerDirectory(PeerPool pool)
    {
        _pool = pool;
        // Only ever asked under _gate, for positions that hold a peer.
        _byName = new NameIndex(slot => _slots[slot]!.Name);
    }

    public IReadOnlyList<PeerInfo> Peers
    {
        get
        {
            lock (_gate)
            {
                return _snapshot ??= Listed();
            }
        }
    }

    /// <summary>Completes at the next change of the list: take it before looking, then await it to look again.</summary>
    public Task NextChange => Volatile.Read(ref _next).Task;

    public PeerInfo? Find(string name)
    {
        lock (_gate)
        {
            return _byName.Find(name) is >= 0 and var slot ? _slots[slot] : null;
        }
    }

    /// <summary>The listed peer at <paramref name="host"/>:<paramref name="port"/>, if any.</summary>
    public PeerInfo? FindByEndpoint(string host, int port)
    {
        lock (_gate)
        {
            for (var i = 0; i < _used; i++)
            {
                if (_slots[i] is { } peer && peer.Port == port && string.Equals(peer.Host, host, StringComparison.OrdinalIgnoreCase))
                {
                    return peer;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Replaces the list (a welcome); returns who appeared, who went, and who is listed again at another address
    /// (not an arrival: the name was listed before).
    /// </summary>
    public (IReadOnlyList<PeerInfo> Added, IReadOnlyList<PeerInfo> Removed, IReadOnlyList<PeerInfo> Moved) Reset(IReadOnlyList<PeerInfo> peers,
        string selfName)
    {
        List<PeerInfo> added = [];
        List<PeerInfo> moved = [];
        List<PeerInfo> removed = [];
        lock (_gate)
        {
            var previous = new Dictionary<string, PeerInfo>(_byName.Count, StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < _used; i++)
            {
                if (_slots[i] is { } listed)
                {
                    previous[listed.Name] = listed;
                }
            }

            Clear(peers.Count);
            foreach (var received in peers)
            {
                if (string.Equals(received.Name, selfName, StringComparison.OrdinalIgnoreCase) || _byName.Find(received.Name) >= 0)
                {
                    continue;
                }

                var peer = _pool.Intern(received);
                Append(peer);
                if (!previous.Remove(peer.Name, out var before))
                {
                    added.Add(peer);
                }
                else if (before.Host != peer.Host || before.Port != peer.Port)
                {
                    moved.Add(peer);
                }
            }

            removed.AddRange(previous.Values);
            _snapshot = null;
        }

        Signal();
        return (added, removed, moved);
    }

    /// <summary>
    /// Adds <paramref name="received"/>, or updates the listed peer of that name; returns the peer as listed now (the
    /// pool's copy) and the previous entry.
    /// </summary>
    public (PeerInfo Listed, PeerInfo? Previous) Upsert(PeerInfo received)
    {
        var peer = _pool.Intern(received);
        PeerInfo? previous = null;
        lock (_gate)
        {
            if (_byName.Find(peer.Name) is >= 0 and var slot)
            {
                previous = _slots[slot];
                // Same name ignoring case: where the index keeps this position still holds.
                _slots[slot] = peer;
            }
            else
            {
                Append(peer);
            }

            _snapshot = null;
        }

        Signal();
        return (peer, previous);
    }

    /// <summary>Removes the peer called <paramref name="name"/>; returns it, or null when it was not listed.</summary>
    public PeerInfo? Remove(string name)
    {
        PeerInfo removed;
        lock (_gate)
        {
            var slot = _byName.Find(name);
            if (slot < 0)
            {
                return null;
            }

            removed = _slots[slot]!;
            _byName.Remove(slot);
            _slots[slot] = null;
            _holes++;
            if (_holes * 2 > _used)
            {
                Compact();
            }

            _snapshot = null;
        }

        Signal();
        return removed;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wakes who waits for a change (continuations run asynchronously, so never under the caller's lock).</summary>
    private void Signal() => Interlocked.Exchange(ref _next, NewSignal()).TrySetResult();

    private PeerInfo[] Listed()
    {
        var listed = new PeerInfo[_used - _holes];
        var n = 0;
        for (var i = 0; i < _used; i++)
        {
            if (_slots[i] is { } peer)
            {
                listed[n++] = peer;
            }
        }

        return listed;
    }

    /// <summary>Empties the index, sized for <paramref name="count"/> peers.</summary>
    private void Clear(int count)
    {
        _slots = count == 0 ? [] : new PeerInfo?[count];
        _used = 0;
        _holes = 0;
        _byName.Clear(count);
    }

    private void Append(PeerInfo peer)
    {
        if (_used == _slots.Length)
        {
            Array.Resize(ref _slots, Math.Max(4, _slots.Length + (_slots.Length / 2)));
        }

        _slots[_used] = peer;
        _byName.Add(_used++);
    }

    /// <summary>Squeezes the holes out, keeping the order; positions change, so the index is built again.</summary>
    private void Compact()
    {
        var listed = Listed();
        Clear(listed.Length);
        foreach (var peer in listed)
        {
            Append(peer);
        }
    }
}
