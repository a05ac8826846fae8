using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Peer.Links;

/// <summary>
/// Direct messages to a peer that left, waiting until it is back. Only for a peer this agent talked with (it has a
/// conversation) and whose key was known when it left: what waits goes out only to a peer back with that same key.
/// At most <c>capacityPerPeer</c> wait per peer; 0 turns queueing off.
/// </summary>
internal sealed class OfflineQueue(int capacityPerPeer)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Gone> _gone = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether messages to <paramref name="peerName"/> can wait for it now.</summary>
    public bool Accepts(string peerName)
    {
        lock (_gate)
        {
            return capacityPerPeer > 0 && _gone.ContainsKey(peerName);
        }
    }

    /// <summary><paramref name="peer"/> left: messages to it may wait, for its key.</summary>
    public void Left(PeerInfo peer)
    {
        if (capacityPerPeer == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (!_gone.ContainsKey(peer.Name))
            {
                _gone[peer.Name] = new Gone(peer.Key, []);
            }
        }
    }

    /// <summary>Adds a message for a peer that is gone; false when it is not one that messages may wait for, or its queue is full.</summary>
    public bool TryAdd(string peerName, PendingDm message)
    {
        lock (_gate)
        {
            if (!_gone.TryGetValue(peerName, out var gone) || gone.Waiting.Count >= capacityPerPeer)
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

    private sealed record Gone(string? Key, List<PendingDm> Waiting);
}
