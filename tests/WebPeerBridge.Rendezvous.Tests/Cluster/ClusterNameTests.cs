using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Rendezvous.Tests.Cluster;

/// <summary>Names are unique across nodes: claimed in the names bucket with an atomic create.</summary>
[Collection(OneClusterAtATime.Name)]
public sealed class ClusterNameTests
{
    [Fact]
    public async Task The_same_name_or_a_lookalike_on_the_other_node_gets_name_taken()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nodes = await TwoNodes.StartAsync(ct);
        var (alice, _) = await nodes.A.JoinAsync("alice", 40001, ct);

        foreach (var name in new[] { "alice", "ALICE", "аlice" })
        {
            var taker = await nodes.B.ConnectAsync(ct);
            await taker.SendAsync(new Hello(Hello.CurrentVersion, name, 40002, null, null, null), ct);
            await taker.NextErrorAsync(ErrorCodes.NameTaken, ct);
            await taker.WaitForCloseAsync(ct);
        }

        // The owner was never disturbed.
        await alice.AssertOpenAsync(ct);
    }

    [Fact]
    public async Task A_name_freed_by_bye_on_one_node_can_be_taken_on_the_other_at_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nodes = await TwoNodes.StartAsync(ct);
        var (alice, _, bob) = await nodes.AliceOnAAndBobOnBAsync(ct);

        await alice.SendAsync(Bye.Instance, ct);
        // The left of a bye is written after the name's release: once it is seen, the name is free everywhere.
        await bob.NextMatchingAsync<Left>(l => l.Name == "alice", ct);

        var (_, welcome) = await nodes.B.JoinAsync("alice", 40003, ct);
        Assert.Equal(40003, welcome.You.Port);
    }

    [Fact]
    public async Task A_resume_token_moves_the_name_to_the_other_node_and_closes_the_old_connection_silently()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nodes = await TwoNodes.StartAsync(ct);
        var (alice, aliceWelcome, bob) = await nodes.AliceOnAAndBobOnBAsync(ct);

        var (moved, _) = await nodes.B.JoinAsync("alice", 40001, ct, resume: aliceWelcome.Token);

        // Node a closes the stale connection without a word once it sees the name online at b.
        Assert.Empty(await alice.ReadUntilCloseAsync(10, ct));
        // Nobody was told alice left or joined (same host and port): bob's next frame is the broadcast.
        var said = await Support.TestServer.AssertBroadcastFlowsAsync(moved, bob, ct);
        Assert.Equal("alice", said.From);
    }

    [Fact]
    public async Task A_name_dropped_without_bye_on_one_node_is_held_against_a_strangers_hello_on_the_other_and_its_token_takes_it_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nodes = await TwoNodes.StartAsync(ct);
        var (alice, aliceWelcome, bob) = await nodes.AliceOnAAndBobOnBAsync(ct);

        // Her connection ends without bye (EOF): announced as left, and held for her token.
        await alice.DisposeAsync();
        Assert.Equal(new Left("alice", LeftReasons.Error), await bob.NextMatchingAsync<Left>(l => l.Name == "alice", ct));

        var stranger = await nodes.B.ConnectAsync(ct);
        await stranger.SendAsync(new Hello(Hello.CurrentVersion, "alice", 40003, null, null, null), ct);
        var refused = await stranger.NextErrorAsync(ErrorCodes.NameTaken, ct);
        Assert.Contains("kept for its owner to reconnect", refused.Message, StringComparison.Ordinal);
        await stranger.WaitForCloseAsync(ct);

        // Back with her token, on the other node: announced as joined again, since she was announced as left.
        var (back, _) = await nodes.B.JoinAsync("alice", 40001, ct, resume: aliceWelcome.Token);
        Assert.Equal("alice", (await bob.NextAsync<Joined>(ct)).Peer.Name);
        await Support.TestServer.AssertBroadcastFlowsAsync(back, bob, ct);
    }

    [Fact]
    public async Task A_hello_whose_since_is_ahead_of_what_its_node_has_sent_waits_for_the_stream_and_then_misses_nothing_and_gets_nothing_twice()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nats = await NatsServer.StartAsync(ct);
        await using var proxy = new DelayingProxy(nats.Port);
        await using var a = await ClusterNodes.StartAsync(nats, "a", ct);
        // Node b reads NATS through a slow link: it learns of the stream's broadcasts three seconds after node a (time enough,
        // on a loaded machine, for alice to say three things and reach b before b has any of them).
        await using var b = await ClusterNodes.StartAsync(nats, "b", ct, o =>
        {
            o.Nats.Url = proxy.Url;
            o.Nats.OperationTimeout = TimeSpan.FromSeconds(10);
            o.Nats.HistoryReadTimeout = TimeSpan.FromSeconds(10);
            o.HistoryWriteTimeout = TimeSpan.FromSeconds(10);
        });
        var (alice, aliceWelcome) = await a.JoinAsync("alice", 40001, ct);
        await alice.SendAsync(new Say("before", "before the slow link"), ct);
        var before = await alice.NextAsync<Said>(ct);

        proxy.Delay = TimeSpan.FromSeconds(3);
        var said = new List<Said>();
        for (var i = 0; i < 3; i++)
        {
            await alice.SendAsync(new Say($"s-{i}", $"said on a {i}"), ct);
            said.Add(await alice.NextAsync<Said>(ct));
        }

        // Alice moves to b having seen the first of the three (node b has sent none of them yet).
        var (moved, movedWelcome) = await b.JoinAsync("alice", 40001, ct, since: said[0].Seq, resume: aliceWelcome.Token);
        await b.WaitForLogAsync($"its hello since {said[0].Seq} waits for the stream", ct);

        // Exactly the two she missed, in the welcome or right after it as node b catches up, then only what comes after.
        var seen = movedWelcome.History.ToList();
        while (seen.Count < 2)
        {
            seen.Add(await moved.NextAsync<Said>(ct));
        }

        Assert.Equal(said.Skip(1), seen);
        Assert.True(before.Seq < said[0].Seq);
        await moved.SendAsync(new Say("after", "said on b"), ct);
        var next = await moved.NextAsync<Said>(ct);
        Assert.Equal(("after", said[^1].Seq + 1), (next.Id, next.Seq));
    }
}
