using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Peer.Links;

/// <summary>
/// Direct messages to a peer that left, waiting until it is back. Only for a peer this agent talked with (it has a
/// conversation) and whose key was known when it left: what waits goes out only to a peer back with that same key, so
/// nothing waits for a peer without a key (nothing could prove that the one who comes back is the same peer).
/// At most <c>capacityPerPeer</c> wait per peer (0 turns queueing off), and at most <c>maxPeers</c> gone peers are
/// remembered (the agent's direct conversations): a host that joins, sends one message and leaves in a loop cannot make
/// the agent hold more (DESIGN.md, "A hostile host on the LAN harms only itself").
/// </summary>
internal sealed class OfflineQueue(int capacityPerPeer, int maxPeers)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Gone> _gone = new(StringComparer.OrdinalIgnoreCase);
    private long _order;

    /// <summary>Gone peers remembered now (for tests of the bound).</summary>
    internal int Count
    {
        get
        {
            lock (_gate)
            {
                return _gone.Count;
            }
        }
    }

    /// <summary>Whether messages to <paramref name="peerName"/> can wait for it now.</summary>
    public bool Accepts(string peerName) => Standing(peerName) == OfflineStanding.Waits;

    /// <summary>Whether messages to <paramref name="peerName"/>, who is offline, wait for it, and if not, why.</summary>
    public OfflineStanding Standing(string peerName)
    {
        lock (_gate)
        {
            return capacityPerPeer == 0 || !_gone.TryGetValue(peerName, out var gone) ? OfflineStanding.NotWaiting
                : gone.Key is null ? OfflineStanding.NoKey
                : OfflineStanding.Waits;
        }
    }

    /// <summary>
    /// <paramref name="peer"/> left (<paramref name="saidBye"/>: with a bye): messages to it may wait, for its key (none wait for a peer without one). Past
    /// <c>maxPeers</c>, the peer that left first is forgotten; what waited for it is returned, to be told it will not go.
    /// </summary>
    public IReadOnlyList<(string PeerName, PendingDm Message)> Left(PeerInfo peer, bool saidBye)
    {
        if (capacityPerPeer == 0)
        {
            return [];
        }

        lock (_gate)
        {
            if (_gone.ContainsKey(peer.Name))
            {
                return [];
            }

            _gone[peer.Name] = new Gone(peer.Key, [], ++_order, saidBye);
            if (_gone.Count <= maxPeers)
            {
                return [];
            }

            var (oldest, dropped) = _gone.MinBy(g => g.Value.Order);
            _gone.Remove(oldest);
            return [.. dropped.Waiting.Select(m => (oldest, m))];
        }
    }

    /// <summary>Whether <paramref name="peerName"/> left saying bye (its direct links are on their way down).</summary>
    public bool SaidBye(string peerName)
    {
        lock (_gate)
        {
            return _gone.TryGetValue(peerName, out var gone) && gone.SaidBye;
        }
    }

    /// <summary>The conversation with <paramref name="peerName"/> was forgotten: so is the peer, and what waited for it.</summary>
    public void Forget(string peerName)
    {
        lock (_gate)
        {
            _gone.Remove(peerName);
        }
    }

    /// <summary>Adds a message for a peer that is gone; false when it is not one that messages may wait for, or its queue is full.</summary>
    public bool TryAdd(string peerName, PendingDm message)
    {
        lock (_gate)
        {
            if (!_gone.TryGetValue(peerName, out var gone) || gone.Key is null || gone.Waiting.Count >= capacityPerPeer)
            {
                return false;
            }

            gone.Waiting.Add(message);
            return true;
        }
    }

    /// <summary>
    /// <paramref name="peer"/> is back: the messages that waited for it, and whether its key is the one it left with
    /// (when not, they must not go out: someone else may hold the name now).
    /// </summary>
    public (IReadOnlyList<PendingDm> Waiting, bool SameKey) Back(PeerInfo peer)
    {
        lock (_gate)
        {
            if (!_gone.Remove(peer.Name, out var gone))
            {
                return ([], true);
            }

            return (gone.Waiting, gone.Key is not null && string.Equals(gone.Key, peer.Key, StringComparison.Ordinal));
        }
    }

    /// <summary>Every message still waiting, for every peer; the queue forgets them.</summary>
    public IReadOnlyList<(string PeerName, PendingDm Message)> TakeAll()
    {
        lock (_gate)
        {
            var all = _gone.SelectMany(g => g.Value.Waiting.Select(m => (g.Key, m))).ToList();
            _gone.Clear();
            return all;
        }
    }

    private sealed record Gone(string? Key, List<PendingDm> Waiting, long Order, bool SaidBye);
}
