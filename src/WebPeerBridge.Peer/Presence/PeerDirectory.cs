using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Peer.Presence;

/// <summary>
/// Everyone else online, in join order, kept up to date by <c>welcome</c>, <c>joined</c> and <c>left</c>. A
/// <c>joined</c> for a listed name updates it in place. Names compare ignoring case, as on the server. Indexed by name:
/// a join, a leave or a look-up costs the same with 10 peers or 1,000; the list handed out is built when asked for.
/// </summary>
internal sealed class PeerDirectory
{
    private readonly Lock _gate = new();
    private readonly LinkedList<PeerInfo> _order = new();
    private readonly Dictionary<string, LinkedListNode<PeerInfo>> _byName = new(StringComparer.OrdinalIgnoreCase);
    private PeerInfo[]? _snapshot = [];
    private TaskCompletionSource _next = NewSignal();

    public IReadOnlyList<PeerInfo> Peers
    {
        get
        {
            lock (_gate)
            {
                return _snapshot ??= [.. _order];
            }
        }
    }

    /// <summary>Completes at the next change of the list: take it before looking, then await it to look again.</summary>
    public Task NextChange => Volatile.Read(ref _next).Task;

    public PeerInfo? Find(string name)
    {
        lock (_gate)
        {
            return _byName.TryGetValue(name, out var node) ? node.Value : null;
        }
    }

    /// <summary>The listed peer at <paramref name="host"/>:<paramref name="port"/>, if any.</summary>
    public PeerInfo? FindByEndpoint(string host, int port)
    {
        foreach (var peer in Peers)
        {
            if (peer.Port == port && string.Equals(peer.Host, host, StringComparison.OrdinalIgnoreCase))
            {
                return peer;
            }
        }

        return null;
    }

    /// <summary>
    /// Replaces the list (a welcome); returns who appeared, who went, and who is listed again at another address
    /// (not an arrival: the name was listed before).
    /// </summary>
    public (IReadOnlyList<PeerInfo> Added, IReadOnlyList<PeerInfo> Removed, IReadOnlyList<PeerInfo> Moved) Reset(IEnumerable<PeerInfo> peers,
        string selfName)
    {
        List<PeerInfo> added = [];
        List<PeerInfo> moved = [];
        List<PeerInfo> removed = [];
        lock (_gate)
        {
            var previous = new Dictionary<string, PeerInfo>(_byName.Count, StringComparer.OrdinalIgnoreCase);
            foreach (var (name, node) in _byName)
            {
                previous[name] = node.Value;
            }

            _order.Clear();
            _byName.Clear();
            foreach (var peer in peers)
            {
                if (string.Equals(peer.Name, selfName, StringComparison.OrdinalIgnoreCase) || _byName.ContainsKey(peer.Name))
                {
                    continue;
                }

                _byName[peer.Name] = _order.AddLast(peer);
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

    /// <summary>Adds <paramref name="peer"/>, or updates the listed peer of that name; returns the previous entry.</summary>
    public PeerInfo? Upsert(PeerInfo peer)
    {
        PeerInfo? previous = null;
        lock (_gate)
        {
            if (_byName.TryGetValue(peer.Name, out var node))
            {
                previous = node.Value;
                node.Value = peer;
            }
            else
            {
                _byName[peer.Name] = _order.AddLast(peer);
            }

            _snapshot = null;
        }

        Signal();
        return previous;
    }

    /// <summary>Removes the peer called <paramref name="name"/>; returns it, or null when it was not listed.</summary>
    public PeerInfo? Remove(string name)
    {
        PeerInfo removed;
        lock (_gate)
        {
            if (!_byName.Remove(name, out var node))
            {
                return null;
            }

            removed = node.Value;
            _order.Remove(node);
            _snapshot = null;
        }

        Signal();
        return removed;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wakes who waits for a change (continuations run asynchronously, so never under the caller's lock).</summary>
    private void Signal() => Interlocked.Exchange(ref _next, NewSignal()).TrySetResult();
}
