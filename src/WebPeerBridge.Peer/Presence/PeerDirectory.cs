using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Peer.Presence;

/// <summary>
/// Everyone else online, in join order, kept up to date by <c>welcome</c>, <c>joined</c> and <c>left</c>. A
/// <c>joined</c> for a listed name updates it in place. Names compare ignoring case, as on the server.
/// </summary>
internal sealed class PeerDirectory
{
    private readonly Lock _gate = new();
    private PeerInfo[] _peers = [];
    private TaskCompletionSource _next = NewSignal();

    public IReadOnlyList<PeerInfo> Peers => Volatile.Read(ref _peers);

    /// <summary>Completes at the next change of the list: take it before looking, then await it to look again.</summary>
    public Task NextChange => Volatile.Read(ref _next).Task;

    public PeerInfo? Find(string name)
    {
        foreach (var peer in Volatile.Read(ref _peers))
        {
            if (string.Equals(peer.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return peer;
            }
        }

        return null;
    }

    /// <summary>The listed peer at <paramref name="host"/>:<paramref name="port"/>, if any.</summary>
    public PeerInfo? FindByEndpoint(string host, int port)
    {
        foreach (var peer in Volatile.Read(ref _peers))
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
        var list = new List<PeerInfo>();
        foreach (var peer in peers)
        {
            if (!string.Equals(peer.Name, selfName, StringComparison.OrdinalIgnoreCase)
                && !list.Exists(p => string.Equals(p.Name, peer.Name, StringComparison.OrdinalIgnoreCase)))
            {
                list.Add(peer);
            }
        }

        PeerInfo[] previous;
        lock (_gate)
        {
            previous = _peers;
            _peers = [.. list];
        }

        Signal();

        var added = list.Where(p => !previous.Any(o => SameName(o, p))).ToList();
        var moved = list.Where(p => previous.Any(o => SameName(o, p) && (o.Host != p.Host || o.Port != p.Port))).ToList();
        var removed = previous.Where(o => !list.Exists(p => SameName(o, p))).ToList();
        return (added, removed, moved);
    }

    /// <summary>Adds <paramref name="peer"/>, or updates the listed peer of that name; returns the previous entry.</summary>
    public PeerInfo? Upsert(PeerInfo peer)
    {
        lock (_gate)
        {
            var index = Array.FindIndex(_peers, p => SameName(p, peer));
            PeerInfo? previous = null;
            if (index < 0)
            {
                _peers = [.. _peers, peer];
            }
            else
            {
                previous = _peers[index];
                var copy = (PeerInfo[])_peers.Clone();
                copy[index] = peer;
                _peers = copy;
            }

            Signal();
            return previous;
        }
    }

    /// <summary>Removes the peer called <paramref name="name"/>; returns it, or null when it was not listed.</summary>
    public PeerInfo? Remove(string name)
    {
        lock (_gate)
        {
            var index = Array.FindIndex(_peers, p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                return null;
            }

            var removed = _peers[index];
            _peers = [.. _peers[..index], .. _peers[(index + 1)..]];
            Signal();
            return removed;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wakes who waits for a change (continuations run asynchronously, so never under the caller's lock).</summary>
    private void Signal() => Interlocked.Exchange(ref _next, NewSignal()).TrySetResult();

    private static bool SameName(PeerInfo a, PeerInfo b) => string.Equals(a.Name, b.Name, StringComparison.OrdinalIgnoreCase);
}
