using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Rendezvous.Tests.Cluster;

/// <summary>NATS itself goes away and comes back: what the stream acknowledged is still there.</summary>
[Collection(OneClusterAtATime.Name)]
public sealed class NatsRestartTests
{
    [Fact]
    public async Task A_nats_server_restart_loses_no_accepted_broadcast()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nats = await NatsServer.StartAsync(ct);
        await using var a = await ClusterNodes.StartAsync(nats, "a", ct);
        // NATS.Net logs the lost connection as an error; that is the point of this test.
        a.ErrorsExpected = true;
        var (alice, _) = await a.JoinAsync("alice", 40001, ct);

        var accepted = new List<Said>();
        for (var i = 0; i < 5; i++)
        {
            await alice.SendAsync(new Say($"before-{i}", $"before the restart {i}"), ct);
            accepted.Add(await alice.NextAsync<Said>(ct));
        }

        await nats.KillAsync();
        await nats.StartAgainAsync(ct);
        // While it is away, says are refused at once; back, the node's NATS connection says so.
        await a.WaitForLogAsync($"Connection to NATS at {nats.Url} back", ct, within: TimeSpan.FromSeconds(30));

        // Says now are refused as unavailable or accepted (JetStream may still be starting); keep saying until the node stores again.
        for (var i = 0; ; i++)
        {
            Assert.True(i < 100, "The node never stored a broadcast again after NATS came back.");
            var id = $"after-{i}";
            await alice.SendAsync(new Say(id, "after the restart"), ct);
            var answer = await alice.NextMatchingAsync<Frame>(f => f is Said { Id: var s } && s == id || f is ErrorFrame { Code: ErrorCodes.Unavailable, Id: var e } && e == id,
                ct, within: TimeSpan.FromSeconds(30));
            if (answer is Said said)
            {
                accepted.Add(said);
                break;
            }
        }

        // Every echoed broadcast is in the stream, in order, with no seq used twice.
        var (_, welcome) = await a.JoinAsync("bob", 40002, ct);
        Assert.Equal(accepted, welcome.History);
        Assert.Equal(accepted.Select(s => s.Seq).Distinct().Order(), accepted.Select(s => s.Seq));
    }

    [Fact]
    public async Task A_node_with_members_stops_in_bounded_time_while_nats_is_away()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nats = await NatsServer.StartAsync(ct);
        await using var a = await ClusterNodes.StartAsync(nats, "a", ct);
        a.ErrorsExpected = true;
        var (alice, _) = await a.JoinAsync("alice", 40001, ct);
        await a.JoinAsync("bob", 40002, ct);

        await nats.KillAsync();

        // Within the test client's timeout (15 s), though nothing of the leaves and releases can be written.
        await a.StopAsync(ct);
        var beforeClose = await alice.ReadUntilCloseAsync(10, ct);
        Assert.Equal("bob", Assert.IsType<Joined>(Assert.Single(beforeClose)).Peer.Name);
    }

    [Fact]
    public async Task A_hello_while_nats_is_away_gets_unavailable_and_the_next_one_after_it_is_back_gets_in()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nats = await NatsServer.StartAsync(ct);
        await using var a = await ClusterNodes.StartAsync(nats, "a", ct);
        a.ErrorsExpected = true;

        await nats.KillAsync();
        var early = await a.ConnectAsync(ct);
        await early.SendAsync(new Hello(Hello.CurrentVersion, "alice", 40001, null, null, null), ct);
        await early.NextErrorAsync(ErrorCodes.Unavailable, ct);
        await early.WaitForCloseAsync(ct);

        await nats.StartAgainAsync(ct);
        for (var attempt = 0; ; attempt++)
        {
            Assert.True(attempt < 30, "The node never took a hello again after NATS came back.");
            var client = await a.ConnectAsync(ct);
            await client.SendAsync(new Hello(Hello.CurrentVersion, "alice", 40001, null, null, null), ct);
            if (await client.NextAsync(TimeSpan.FromSeconds(30), ct) is Welcome welcome)
            {
                Assert.Equal("alice", welcome.You.Name);
                break;
            }
        }
    }
}
