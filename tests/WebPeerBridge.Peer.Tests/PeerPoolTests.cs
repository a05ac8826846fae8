using System.Runtime.CompilerServices;
using WebPeerBridge.Peer.Presence;
using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Peer.Tests;

public sealed class PeerPoolTests
{
    private static readonly DateTimeOffset Since = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Equal_peers_read_by_two_agents_become_one_object()
    {
        var pool = new PeerPool(capacity: 10);
        var readByAlice = Peer("carol");
        var readByBob = Peer("carol");

        var first = pool.Intern(readByAlice);
        var second = pool.Intern(readByBob);

        Assert.Same(readByAlice, first);
        Assert.Same(first, second);
        Assert.Equal(1, pool.Count);
    }

    [Fact]
    public void Peers_that_differ_in_any_field_or_in_the_offset_of_since_stay_apart()
    {
        var pool = new PeerPool(capacity: 100);
        var carol = pool.Intern(Peer("carol"));
        PeerInfo[] others =
        [
            Peer("Carol"),
            Peer("carol") with { Host = "10.0.0.2" },
            Peer("carol") with { Port = 40002 },
            Peer("carol") with { Since = Since.AddSeconds(1) },
            Peer("carol") with { Since = Since.ToOffset(TimeSpan.FromHours(1)) },
            Peer("carol") with { Protocol = PeerProtocols.Seed },
            Peer("carol") with { Key = null },
            Peer("carol") with { Key = new string('b', 64) },
        ];

        foreach (var other in others)
        {
            Assert.Same(other, pool.Intern(other));
        }

        Assert.Same(carol, pool.Intern(Peer("carol")));
        Assert.Equal(1 + others.Length, pool.Count);
    }

    [Fact]
    public void A_full_pool_hands_new_peers_back_unshared_and_never_grows_past_its_capacity()
    {
        var pool = new PeerPool(capacity: 4);
        var held = Enumerable.Range(0, 4).Select(i => pool.Intern(Peer("p" + i))).ToList();

        for (var i = 0; i < 20; i++)
        {
            var late = Peer("late");
            Assert.Same(late, pool.Intern(late));
        }

        Assert.Equal(4, pool.Count);
        // Who is in stays shared.
        Assert.Same(held[2], pool.Intern(Peer("p2")));
        GC.KeepAlive(held);
    }

    [Fact]
    public void A_peer_no_agent_holds_any_more_is_swept_and_its_room_taken_by_the_next()
    {
        var pool = new PeerPool(capacity: 2);
        var kept = pool.Intern(Peer("kept"));
        InternAndForget(pool, "gone");
        Assert.Equal(2, pool.Count);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        pool.Sweep();

        Assert.Equal(1, pool.Count);
        var next = Peer("next");
        Assert.Same(next, pool.Intern(next));
        Assert.Same(next, pool.Intern(Peer("next")));
        Assert.Same(kept, pool.Intern(Peer("kept")));
    }

    [Fact]
    public void A_collected_peer_read_again_is_shared_again()
    {
        var pool = new PeerPool(capacity: 10);
        InternAndForget(pool, "carol");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        var again = Peer("carol");
        Assert.Same(again, pool.Intern(again));
        Assert.Same(again, pool.Intern(Peer("carol")));
        Assert.Equal(1, pool.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(10_000_001)]
    public void A_capacity_out_of_range_is_refused(int capacity) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new PeerPool(capacity));

    [Fact]
    public void Agents_without_a_pool_of_their_own_share_the_process_wide_one()
    {
        Assert.Null(new PeerAgentOptions().PeerPool);
        Assert.Equal(PeerPool.DefaultCapacity, PeerPool.Shared.Capacity);
    }

    // Not inlined, so that no local of the test keeps the peer reachable.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void InternAndForget(PeerPool pool, string name) => pool.Intern(Peer(name));

    // Every string new, as a frame read off the wire makes them.
    private static PeerInfo Peer(string name) =>
        new(new string(name), new string("10.0.0.1"), 40001, Since, new string(PeerProtocols.V1), new string('a', 64));
}
