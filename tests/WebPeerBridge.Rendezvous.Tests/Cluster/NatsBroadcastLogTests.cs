using WebPeerBridge.Rendezvous.History;

namespace WebPeerBridge.Rendezvous.Tests.Cluster;

/// <summary>The broadcast log on the stream, by itself.</summary>
[Collection(OneClusterAtATime.Name)]
public sealed class NatsBroadcastLogTests
{
    [Fact]
    public async Task A_broadcast_published_again_under_its_message_id_is_stored_once_and_answered_with_its_seq()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nats = await NatsServer.StartAsync(ct);
        await using var cluster = await ClusterNodes.ConnectAsync(nats, "a", ct);
        var broadcast = new NewBroadcast("c-1", "alice", "hi", DateTimeOffset.UtcNow);

        // As when the first answer was lost: the hub publishes the same say again under the same id.
        var first = await cluster.Log.PublishAsync(broadcast, "a-1", TimeSpan.FromSeconds(5), ct);
        var again = await cluster.Log.PublishAsync(broadcast, "a-1", TimeSpan.FromSeconds(5), ct);
        var next = await cluster.Log.PublishAsync(broadcast with { Id = "c-2" }, "a-2", TimeSpan.FromSeconds(5), ct);

        Assert.Equal(first, again);
        Assert.Equal(first.Seq + 1, next.Seq);
        var stored = await cluster.Log.ReadRangeAsync(0, next.Seq, 100, 1 << 20, ct);
        Assert.Equal(["c-1", "c-2"], stored.Entries.Select(s => s.Id));
    }
}
