using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Rendezvous.Tests.Cluster;

/// <summary>Two rendezvous nodes on one NATS JetStream: one network, one order of broadcasts.</summary>
[Collection(OneClusterAtATime.Name)]
public sealed class ClusterBroadcastTests
{
    [Fact]
    public async Task Clients_on_two_nodes_see_each_others_joins_and_broadcasts_in_one_seq_order()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nodes = await TwoNodes.StartAsync(ct);
        var (alice, _, bob) = await nodes.AliceOnAAndBobOnBAsync(ct);

        // Both at once, without waiting for echoes: the stream decides one order, and everyone sees it.
        for (var i = 0; i < 10; i++)
        {
            await alice.SendAsync(new Say($"a-{i}", $"from alice {i}"), ct);
            await bob.SendAsync(new Say($"b-{i}", $"from bob {i}"), ct);
        }

        var seenByAlice = await alice.NextSaidsAsync(20, ct);
        var seenByBob = await bob.NextSaidsAsync(20, ct);
        Assert.Equal(seenByAlice, seenByBob);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), seenByAlice.Select(s => s.Seq));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"a-{i}"), seenByAlice.Where(s => s.From == "alice").Select(s => s.Id));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"b-{i}"), seenByAlice.Where(s => s.From == "bob").Select(s => s.Id));

        // A newcomer on either node gets the same history from the stream, in the same order.
        var (_, carolWelcome) = await nodes.A.JoinAsync("carol", 40003, ct);
        Assert.Equal(seenByAlice, carolWelcome.History);
        var (_, daveWelcome) = await nodes.B.JoinAsync("dave", 40004, ct, since: 15);
        Assert.Equal(seenByAlice.Skip(15), daveWelcome.History);

        // A node started afterwards has none of them in memory: it reads them from the stream.
        await using var c = await ClusterNodes.StartAsync(nodes.Nats, "c", ct);
        var (_, eveWelcome) = await c.JoinAsync("eve", 40005, ct);
        Assert.Equal(seenByAlice, eveWelcome.History);
        var (_, frankWelcome) = await c.JoinAsync("frank", 40006, ct, since: 18);
        Assert.Equal(seenByAlice.Skip(18), frankWelcome.History);
    }

    [Fact]
    public async Task A_left_on_one_node_is_announced_on_the_other()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nodes = await TwoNodes.StartAsync(ct);
        var (alice, _, bob) = await nodes.AliceOnAAndBobOnBAsync(ct);

        await alice.SendAsync(Bye.Instance, ct);

        var left = await bob.NextMatchingAsync<Left>(_ => true, ct);
        Assert.Equal(new Left("alice", LeftReasons.Bye), left);
    }

    [Fact]
    public async Task A_message_in_the_stream_that_is_no_broadcast_holds_up_no_hello_whose_since_is_at_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nats = await NatsServer.StartAsync(ct);
        await using var a = await ClusterNodes.StartAsync(nats, "a", ct);
        var (alice, _) = await a.JoinAsync("alice", 40001, ct);
        await alice.SendAsync(new Say("s-1", "a broadcast"), ct);
        var said = await alice.NextAsync<Said>(ct);

        // Something else publishes on the stream's subject (another program, a mistake): the node skips it, and knows it did.
        await using var other = await ClusterNodes.ConnectAsync(nats, "other", ct);
        var foreign = await other.JetStream.PublishAsync(other.Options.Subject, "not a broadcast"u8.ToArray(), cancellationToken: ct);
        await a.WaitForLogAsync($"Stream message {foreign.Seq} is no broadcast", ct);

        // A client that saw up to there (from a node that read the same stream) gets its welcome now, not at the next broadcast.
        var (_, welcome) = await a.JoinAsync("bob", 40002, ct, since: (long)foreign.Seq);
        Assert.Empty(welcome.History);
        var (_, carolWelcome) = await a.JoinAsync("carol", 40003, ct, since: said.Seq - 1);
        Assert.Equal([said], carolWelcome.History);
    }
}
