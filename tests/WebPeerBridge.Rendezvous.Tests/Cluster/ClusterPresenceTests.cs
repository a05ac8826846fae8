using System.Text.Json;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Rendezvous.Cluster;

namespace WebPeerBridge.Rendezvous.Tests.Cluster;

/// <summary>Who is online at the other nodes: no member is listed for good once its node stopped listing it.</summary>
[Collection(OneClusterAtATime.Name)]
public sealed class ClusterPresenceTests
{
    [Fact]
    public async Task A_bye_whose_left_could_not_reach_nats_reaches_the_other_node_once_nats_answers_and_frees_the_name_there()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nodes = await TwoNodes.StartAsync(ct, o =>
        {
            o.Nats.HeartbeatInterval = TimeSpan.FromSeconds(1);
            o.Nats.NodeTimeout = TimeSpan.FromSeconds(10);
            o.Nats.OperationTimeout = TimeSpan.FromSeconds(1);
        });
        var (alice, _, bob) = await nodes.AliceOnAAndBobOnBAsync(ct);

        nodes.A.ErrorsExpected = nodes.B.ErrorsExpected = true;
        await nodes.Nats.PauseAsync();
        // NATS is seen not to answer (a heartbeat of node a times out) before alice says bye, however late the stop signal
        // takes effect: her release cannot reach it.
        await nodes.A.WaitForLogAsync("Could not write presence entry n.", ct, within: TimeSpan.FromSeconds(30));
        await alice.SendAsync(Bye.Instance, ct);
        // Her name's release waits a second for NATS and fails; her left entry waits for it (a left is heard only once its
        // name is free).
        await nodes.A.WaitForLogAsync("could not release alice", ct, within: TimeSpan.FromSeconds(30));
        // NATS dies before it reads them: they are lost, not late.
        await nodes.Nats.KillAsync();
        await nodes.Nats.StartAgainAsync(ct);

        // Written again with node a's heartbeats once NATS is back: bob hears she left, as she did (a bye), before any timeout.
        var left = await bob.NextMatchingAsync<Left>(l => l.Name == "alice", ct);
        Assert.Equal(LeftReasons.Bye, left.Reason);
        var (_, welcome) = await nodes.B.JoinAsync("alice", 40003, ct);
        Assert.Equal(40003, welcome.You.Port);
    }

    [Fact]
    public async Task A_member_of_a_live_node_whose_entry_is_no_longer_renewed_is_announced_left_with_reason_timeout()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nats = await NatsServer.StartAsync(ct);
        void Fast(RendezvousOptions o)
        {
            o.Nats.HeartbeatInterval = TimeSpan.FromMilliseconds(500);
            o.Nats.NodeTimeout = TimeSpan.FromSeconds(4);
        }

        await using var b = await ClusterNodes.StartAsync(nats, "b", ct, Fast);
        var (bob, _) = await b.JoinAsync("bob", 40001, ct);

        // Node x, played by the test: it beats and renews keeper, but its entry of ghost stays as it was (its left was lost).
        await using var x = await ClusterNodes.ConnectAsync(nats, "x", ct, configure: Fast);
        await PutAsync(x, ClusterKeys.Member("ghost"), new PresenceEntry(x.Incarnation, Peer("ghost"), "ghost"), ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var beats = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
            do
            {
                await PutAsync(x, ClusterKeys.Node(x.Incarnation), new PresenceEntry(x.Incarnation), stop.Token);
                await PutAsync(x, ClusterKeys.Member("keeper"), new PresenceEntry(x.Incarnation, Peer("keeper"), "keeper"), stop.Token);
            }
            while (await timer.WaitForNextTickAsync(stop.Token));
        }, CancellationToken.None);

        try
        {
            await bob.NextMatchingAsync<Joined>(j => j.Peer.Name == "ghost", ct);
            var left = await bob.NextMatchingAsync<Left>(l => l.Name is "ghost" or "keeper", ct, within: TimeSpan.FromSeconds(30));
            Assert.Equal(new Left("ghost", LeftReasons.Timeout), left);

            // Its node is alive, and so is the member it renews.
            var (_, welcome) = await b.JoinAsync("carol", 40002, ct);
            Assert.Contains(welcome.Peers, p => p.Name == "keeper");
            Assert.DoesNotContain(welcome.Peers, p => p.Name == "ghost");
        }
        finally
        {
            await stop.CancelAsync();
            await beats.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    [Fact]
    public async Task After_a_nats_restart_each_node_hears_of_the_others_joins_at_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nodes = await TwoNodes.StartAsync(ct);
        nodes.A.ErrorsExpected = nodes.B.ErrorsExpected = true;
        var (_, _, bob) = await nodes.AliceOnAAndBobOnBAsync(ct);

        await nodes.Nats.KillAsync();
        await nodes.Nats.StartAgainAsync(ct);
        foreach (var node in new[] { nodes.A, nodes.B })
        {
            await node.WaitForLogAsync($"Connection to NATS at {nodes.Nats.Url} back", ct, within: TimeSpan.FromSeconds(30));
        }

        // The presence watch's consumer died with the server: NATS.Net finds out only after two missed idle heartbeats
        // (ten seconds), long enough for the nodes to take each other for dead. A fresh watch on reconnecting hears at once.
        for (var attempt = 0; ; attempt++)
        {
            Assert.True(attempt < 30, "Node a never took a hello again after NATS came back.");
            var carol = await nodes.A.ConnectAsync(ct);
            await carol.SendAsync(new Hello(Hello.CurrentVersion, "carol", 40003, null, null, null), ct);
            if (await carol.NextAsync(TimeSpan.FromSeconds(30), ct) is Welcome)
            {
                break;
            }
        }

        Assert.Equal(40003, (await bob.NextMatchingAsync<Joined>(j => j.Peer.Name == "carol", ct, within: TimeSpan.FromSeconds(5))).Peer.Port);
    }

    private static PeerInfo Peer(string name) => new(name, "127.0.0.1", 40010, DateTimeOffset.UtcNow, PeerProtocols.V1, null);

    private static async Task PutAsync(NatsCluster node, string key, PresenceEntry entry, CancellationToken cancellationToken) =>
        await node.Presence.PutAsync(key, JsonSerializer.SerializeToUtf8Bytes(entry, ClusterJson.Default.PresenceEntry), cancellationToken: cancellationToken);
}
