using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Rendezvous.Tests.Support;

namespace WebPeerBridge.Rendezvous.Tests.Cluster;

/// <summary>A node dies (SIGKILL): the others announce its members as left, and they move to a surviving node.</summary>
[Collection(OneClusterAtATime.Name)]
public sealed class ClusterFailoverTests
{
    [Fact]
    public async Task A_killed_nodes_clients_are_announced_left_and_on_the_survivor_see_every_broadcast_exactly_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nats = await NatsServer.StartAsync(ct);
        var history = Path.Combine(Path.GetTempPath(), "wpb-unused-" + Guid.NewGuid().ToString("N") + ".db");
        // Node a runs as its own process with the default heartbeat (5 s) and node timeout (15 s); b is in this process.
        await using var a = await ServerProcess.StartAsync(history, ct, moreArguments: ClusterNodes.ProcessArguments(nats, "a"));
        await using var b = await ClusterNodes.StartAsync(nats, "b", ct);

        await using var erin = await TestClient.ConnectAsync(a.EndPoint, ct);
        var erinWelcome = await erin.HelloAsync(new Hello(Hello.CurrentVersion, "erin", 40001, null, null, null), ct);
        var (frank, frankWelcome) = await b.JoinAsync("frank", 40002, ct);
        await frank.WaitUntilListedAsync(frankWelcome, "erin", ct);
        await erin.NextMatchingAsync<Joined>(j => j.Peer.Name == "frank", ct);

        var beforeKill = new List<Said>();
        for (var i = 0; i < 3; i++)
        {
            beforeKill.Add(await TestServer.AssertBroadcastFlowsAsync(frank, erin, ct));
        }

        await a.KillAsync();

        // Said while erin's node is dead: erin must get these after it moves, once each.
        var whileAway = new List<Said>();
        for (var i = 0; i < 2; i++)
        {
            await frank.SendAsync(new Say($"away-{i}", $"while you were away {i}"), ct);
            whileAway.Add(await frank.NextMatchingAsync<Said>(s => s.Id == $"away-{i}", ct));
        }

        var left = await frank.NextMatchingAsync<Left>(l => l.Name == "erin", ct, within: TimeSpan.FromSeconds(30));
        Assert.Equal(LeftReasons.Timeout, left.Reason);

        // Erin moves to b with its token and the last seq it saw.
        var (moved, movedWelcome) = await b.JoinAsync("erin", 40001, ct, since: beforeKill[^1].Seq, resume: erinWelcome.Token);
        Assert.Equal(whileAway, movedWelcome.History);
        await frank.NextMatchingAsync<Joined>(j => j.Peer.Name == "erin", ct);
        var after = await TestServer.AssertBroadcastFlowsAsync(frank, moved, ct);

        var seenByErin = beforeKill.Concat(movedWelcome.History).Append(after).Select(s => s.Seq).ToList();
        Assert.Equal(Enumerable.Range((int)beforeKill[0].Seq, seenByErin.Count).Select(i => (long)i), seenByErin);
    }

    [Fact]
    public async Task A_node_restarted_under_the_same_id_keeps_its_former_members_names_for_their_tokens_and_the_others_see_them_leave()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nats = await NatsServer.StartAsync(ct);
        var history = Path.Combine(Path.GetTempPath(), "wpb-unused-" + Guid.NewGuid().ToString("N") + ".db");
        // A node timeout well above the time a restart takes: the restarted node is back long before its old life is declared dead.
        string[] arguments = [.. ClusterNodes.ProcessArguments(nats, "a"), "--Rendezvous:Nats:HeartbeatInterval", "00:00:01", "--Rendezvous:Nats:NodeTimeout", "00:00:10"];
        var a = await ServerProcess.StartAsync(history, ct, moreArguments: arguments);
        await using var b = await ClusterNodes.StartAsync(nats, "b", ct, o =>
        {
            o.Nats.HeartbeatInterval = TimeSpan.FromSeconds(1);
            o.Nats.NodeTimeout = TimeSpan.FromSeconds(10);
        });

        await using var alice = await TestClient.ConnectAsync(a.EndPoint, ct);
        var aliceWelcome = await alice.HelloAsync(new Hello(Hello.CurrentVersion, "alice", 40001, null, null, null), ct);
        var (bob, bobWelcome) = await b.JoinAsync("bob", 40002, ct);
        await bob.WaitUntilListedAsync(bobWelcome, "alice", ct);

        await a.KillAsync();
        await a.DisposeAsync();
        await using var restarted = await ServerProcess.StartAsync(history, ct, moreArguments: arguments);

        // In the reconnect window nobody else gets alice's name, on the restarted node or elsewhere.
        foreach (var endPoint in new[] { restarted.EndPoint, b.EndPoint })
        {
            await using var stranger = await TestClient.ConnectAsync(endPoint, ct);
            await stranger.SendAsync(new Hello(Hello.CurrentVersion, "alice", 40003, null, null, null), ct);
            await stranger.NextErrorAsync(ErrorCodes.NameTaken, ct);
        }

        // The restarted node does not renew her entry: the others see its former life die and announce her left.
        var left = await bob.NextMatchingAsync<Left>(l => l.Name == "alice", ct, within: TimeSpan.FromSeconds(30));
        Assert.Equal(LeftReasons.Timeout, left.Reason);

        // Held for her token since: a stranger still gets name_taken; she, with it, gets her name back on the restarted node.
        await using (var stranger = await TestClient.ConnectAsync(b.EndPoint, ct))
        {
            await stranger.SendAsync(new Hello(Hello.CurrentVersion, "alice", 40003, null, null, null), ct);
            await stranger.NextErrorAsync(ErrorCodes.NameTaken, ct);
        }

        await using var back = await TestClient.ConnectAsync(restarted.EndPoint, ct);
        var backWelcome = await back.HelloAsync(new Hello(Hello.CurrentVersion, "alice", 40001, null, null, aliceWelcome.Token), ct);
        Assert.Equal("alice", backWelcome.You.Name);
        Assert.Equal("alice", (await bob.NextMatchingAsync<Joined>(j => j.Peer.Name == "alice", ct)).Peer.Name);
    }

    [Fact]
    public async Task A_dead_nodes_names_are_held_for_their_tokens_for_the_hold_time_from_when_it_was_declared_dead()
    {
        var ct = TestContext.Current.CancellationToken;
        // Node b's clock is the test's: its heartbeats, its view of node a's, and the holds it writes.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var nats = await NatsServer.StartAsync(ct);
        var history = Path.Combine(Path.GetTempPath(), "wpb-unused-" + Guid.NewGuid().ToString("N") + ".db");
        await using var a = await ServerProcess.StartAsync(history, ct, moreArguments: ClusterNodes.ProcessArguments(nats, "a"));
        await using var b = await ClusterNodes.StartAsync(nats, "b", ct, o =>
        {
            o.NameHoldTime = TimeSpan.FromSeconds(60);
            // Frank stays connected however far the test moves the clock.
            o.IdleTimeout = TimeSpan.FromDays(1);
            o.SendTimeout = TimeSpan.FromHours(1);
        }, time);

        await using var erin = await TestClient.ConnectAsync(a.EndPoint, ct);
        await erin.HelloAsync(new Hello(Hello.CurrentVersion, "erin", 40001, null, null, null), ct);
        var (frank, frankWelcome) = await b.JoinAsync("frank", 40002, ct);
        await frank.WaitUntilListedAsync(frankWelcome, "erin", ct);

        await a.KillAsync();
        // Node b's next heartbeat finds node a silent for longer than the node timeout (15 s). Node a wrote its heartbeats at
        // the real time, which ran on since the test's clock started: past it, so that a last heartbeat that node b reads
        // only now is still 20 s old.
        time.Advance(TimeSpan.FromSeconds(20) + (DateTimeOffset.UtcNow - time.GetUtcNow()).Duration());
        Assert.Equal(new Left("erin", LeftReasons.Timeout), await frank.NextMatchingAsync<Left>(l => l.Name == "erin", ct));

        // Half the hold time later, her name is still hers.
        time.Advance(TimeSpan.FromSeconds(30));
        await using (var stranger = await TestClient.ConnectAsync(b.EndPoint, ct))
        {
            await stranger.SendAsync(new Hello(Hello.CurrentVersion, "erin", 40003, null, null, null), ct);
            var refused = await stranger.NextErrorAsync(ErrorCodes.NameTaken, ct);
            Assert.Contains("kept for its owner to reconnect", refused.Message, StringComparison.Ordinal);
        }

        // The hold time after node a was declared dead (not after someone first asked for the name), it is free.
        time.Advance(TimeSpan.FromSeconds(31));
        var (_, welcome) = await b.JoinAsync("erin", 40003, ct);
        Assert.Equal(40003, welcome.You.Port);
    }
}
