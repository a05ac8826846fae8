using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Peer.Presence;

/// <summary>
/// Peers shared between the agents of one process. Every agent of a bridge reads the same <c>welcome</c> and
/// <c>joined</c> frames; without sharing, each keeps its own copy of every peer (about 320 bytes with its name, host and
/// key), so 1,000 agents in a 1,000-peer network hold 1,000 copies of each. With it, equal peers are one object.
/// </summary>
/// <remarks>
/// Thread-safe. Holds its peers weakly: a peer that no agent lists any more is collected, and its entry goes at the next
/// sweep. Holds at most <see cref="Capacity"/> entries; past that, a new peer is not shared (its agent keeps its own
/// copy) until a sweep frees room, so a network larger than the pool costs memory, never correctness.
/// </remarks>
public sealed class PeerPool
{
    /// <summary>The capacity of <see cref="Shared"/>: far above the peers one welcome may list.</summary>
    public const int DefaultCapacity = 100_000;

    // Below this many entries no sweep runs: sweeping a small pool often would cost more than its dead entries.
    private const int MinSweepAt = 1024;

    private readonly Lock _gate = new();
    private readonly Dictionary<PeerKey, WeakReference<PeerInfo>> _peers = [];
    private readonly int _refusalsBeforeSweep;
    private int _sweepAt;
    private int _refusals;

    /// <summary>A pool of at most <paramref name="capacity"/> peers.</summary>
    public PeerPool(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, 10_000_000);
        Capacity = capacity;
        _sweepAt = Math.Min(capacity, MinSweepAt);
        _refusalsBeforeSweep = Math.Max(1, capacity / 4);
    }

    /// <summary>
    /// The process-wide pool, used by every agent whose <see cref="PeerAgentOptions.PeerPool"/> is null. Deliberately
    /// static: sharing peers between the agents of one process is its whole point (a bridge hosts hundreds); it is
    /// thread-safe, holds peers weakly and is bounded by <see cref="DefaultCapacity"/>.
    /// </summary>
    public static PeerPool Shared { get; } = new(DefaultCapacity);

    /// <summary>The most entries the pool holds.</summary>
    public int Capacity { get; }

    /// <summary>Entries held now, including those of collected peers not swept yet.</summary>
    internal int Count
    {
        get
        {
            lock (_gate)
            {
                return _peers.Count;
            }
        }
    }

    /// <summary>
    /// The pool's peer equal to <paramref name="peer"/> (same name, host, port, since, protocol and key, exactly as
    /// spelled), else <paramref name="peer"/> itself, which becomes the shared one when there is room.
    /// </summary>
    internal PeerInfo Intern(PeerInfo peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var key = new PeerKey(peer);
        lock (_gate)
        {
            if (_peers.TryGetValue(key, out var entry))
            {
                if (entry.TryGetTarget(out var shared))
                {
                    return shared;
                }

                // Its peer was collected: this one takes the entry, with its own strings in the key.
                _peers.Remove(key);
            }

            if (RoomForOneMore())
            {
                _peers.Add(key, new WeakReference<PeerInfo>(peer));
            }

            return peer;
        }
    }

    /// <summary>Drops the entries of collected peers now (for tests; the pool sweeps by itself as it grows).</summary>
    internal void Sweep()
    {
        lock (_gate)
        {
            SweepCore();
        }
    }

    // Sweeps when the entries double since the last sweep, so a sweep's cost is spread over the entries added since.
    // Full of live peers, it refuses; it sweeps again only after a quarter of its capacity in refusals, never per call.
    private bool RoomForOneMore()
    {
        if (_peers.Count < _sweepAt)
        {
            return true;
        }

        if (_peers.Count >= Capacity && ++_refusals < _refusalsBeforeSweep)
        {
            return false;
        }

        SweepCore();
        return _peers.Count < Capacity;
    }

    private void SweepCore()
    {
        foreach (var (key, entry) in _peers)
        {
            if (!entry.TryGetTarget(out _))
            {
                // Removing while enumerating is allowed for Dictionary (it does not invalidate the enumerator).
                _peers.Remove(key);
            }
        }

        _refusals = 0;
        _sweepAt = Math.Min(Capacity, Math.Max(MinSweepAt, _peers.Count * 2));
    }

    /// <summary>
    /// What makes two peers equal for sharing: every field, strings compared ordinally (a shared peer must look exactly
    /// like the one the server sent), and the offset of <c>since</c> too, which <see cref="DateTimeOffset"/>'s own
    /// equality ignores.
    /// </summary>
    private readonly record struct PeerKey(string Name, string Host, int Port, long SinceTicks, TimeSpan SinceOffset, string Protocol, string? Key)
    {
        public PeerKey(PeerInfo peer)
            : this(peer.Name, peer.Host, peer.Port, peer.Since.Ticks, peer.Since.Offset, peer.Protocol, peer.Key)
        {
        }
    }
}
