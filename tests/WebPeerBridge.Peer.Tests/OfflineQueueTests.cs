using WebPeerBridge.Peer.Links;
using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Peer.Tests;

/// <summary>The offline queue's bounds, below the agent: keyless peers get no queue, and gone peers are capped.</summary>
public sealed class OfflineQueueTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Nothing_waits_for_a_peer_that_left_without_a_key()
    {
        var queue = new OfflineQueue(capacityPerPeer: 5, maxPeers: 10);

        queue.Left(Peer("old", key: null), saidBye: true);

        Assert.Equal(OfflineStanding.NoKey, queue.Standing("old"));
        Assert.False(queue.Accepts("old"));
        Assert.False(queue.TryAdd("old", new PendingDm("d-1", "hi", At)));
    }

    [Fact]
    public void Past_its_bound_the_queue_forgets_the_peer_gone_longest_and_hands_back_what_waited_for_it()
    {
        var queue = new OfflineQueue(capacityPerPeer: 5, maxPeers: 2);
        queue.Left(Peer("a"), saidBye: true);
        Assert.True(queue.TryAdd("a", new PendingDm("d-1", "for a", At)));
        queue.Left(Peer("b"), saidBye: true);

        var dropped = queue.Left(Peer("c"), saidBye: true);

        Assert.Equal(2, queue.Count);
        var (name, message) = Assert.Single(dropped);
        Assert.Equal(("a", "d-1"), (name, message.Id));
        Assert.False(queue.Accepts("a"));
        Assert.True(queue.Accepts("b"));
        Assert.True(queue.Accepts("c"));
    }

    [Fact]
    public void A_forgotten_conversation_forgets_its_peer_and_what_waited()
    {
        var queue = new OfflineQueue(capacityPerPeer: 5, maxPeers: 10);
        queue.Left(Peer("a"), saidBye: true);
        queue.TryAdd("a", new PendingDm("d-1", "for a", At));

        queue.Forget("A");

        Assert.Equal(0, queue.Count);
        Assert.Empty(queue.Back(Peer("a")).Waiting);
    }

    private static PeerInfo Peer(string name, string? key = "9f86") => new(name, "127.0.0.1", 40001, At, PeerProtocols.V1, key);
}
