using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Peer.Tests.Support;

namespace WebPeerBridge.Peer.Tests;

public sealed class PeerAgentReconnectTests : IAsyncLifetime
{
    private readonly Agents _agents = new();
    private readonly string _historyPath = Path.Combine(Path.GetTempPath(), $"wpb-peer-tests-{Guid.NewGuid():N}.db");
    private TestServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync(_historyPath);

    public async ValueTask DisposeAsync()
    {
        await _agents.DisposeAsync();
        await _server.DisposeAsync();
        foreach (var file in new[] { _historyPath, _historyPath + "-wal", _historyPath + "-shm" })
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Agent_reconnects_after_a_server_restart_and_shows_each_broadcast_exactly_once()
    {
        // alice comes back later than bob, so that what bob says meanwhile reaches her only through the resync.
        var alice = await _agents.JoinAsync("alice", _server.Port, o =>
        {
            o.ReconnectMinDelay = TimeSpan.FromMilliseconds(1500);
            o.ReconnectMaxDelay = TimeSpan.FromMilliseconds(1500);
        });
        var bob = await _agents.JoinAsync("bob", _server.Port);
        var said = new List<string>();

        async Task SayAsync(int from, int to)
        {
            for (var i = from; i <= to; i++)
            {
                var text = $"message {i}";
                said.Add(text);
                var result = await bob.BroadcastAsync(text, Ct);
                Assert.True(result.Accepted, result.Error);
            }
        }

        await SayAsync(1, 5);
        await Eventually.HoldsAsync(() => Count(alice, "message 5") == 1, "alice has the first five", alice);
        // Bob has their echoes too: what he sends again after a restart is another test's (a resend shows once).
        await Eventually.HoldsAsync(() => bob.Broadcast.Snapshot().Count(m => m.IsOwn && m.State == DeliveryState.Delivered) == 5,
            "bob has the echoes of the first five", bob);

        await _server.StopAsync();
        await Eventually.HoldsAsync(() => alice.State == RendezvousState.Reconnecting && bob.State == RendezvousState.Reconnecting,
            "both see the server gone", alice, bob);
        await SayAsync(6, 10); // queued by bob while the server is down

        await _server.RestartAsync();
        await Eventually.HoldsAsync(() => bob.State == RendezvousState.Online, "bob is back", bob);
        await SayAsync(11, 15);
        await Eventually.HoldsAsync(() => alice.State == RendezvousState.Online, "alice is back by herself", alice);
        await SayAsync(16, 20);

        await Eventually.HoldsAsync(() => said.All(t => Count(alice, t) >= 1), "alice has every broadcast", alice);
        await Eventually.HoldsAsync(() => bob.Broadcast.Snapshot().Count(m => m.IsOwn && m.State == DeliveryState.Delivered) == said.Count,
            "every one of bob's broadcasts is delivered", bob);
        Assert.All(said, t => Assert.Equal(1, Count(alice, t)));
        Assert.All(said, t => Assert.Equal(1, Count(bob, t)));
        var seqs = alice.Broadcast.Snapshot().Where(m => m.Kind == ChatMessageKind.Chat).Select(m => m.Seq!.Value).ToList();
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal(seqs.Distinct().Count(), seqs.Count);
    }

    [Fact]
    public async Task Broadcasts_past_the_pending_bound_while_the_server_is_away_are_refused_as_busy_and_the_rest_go_out_once_back()
    {
        var bob = await _agents.JoinAsync("bob", _server.Port, o => o.MaxPendingBroadcasts = 2);
        await _server.StopAsync();
        await Eventually.HoldsAsync(() => bob.State == RendezvousState.Reconnecting, "bob sees the server gone", bob);

        var first = await bob.BroadcastAsync("one", Ct);
        var second = await bob.BroadcastAsync("two", Ct);
        var third = await bob.BroadcastAsync("three", Ct);

        Assert.Equal((SendOutcome.Sent, SendOutcome.Sent, SendOutcome.Busy), (first.Outcome, second.Outcome, third.Outcome));
        Assert.Contains("2 broadcasts are still waiting", third.Error, StringComparison.Ordinal);
        await _server.RestartAsync();
        await Eventually.HoldsAsync(() => bob.Broadcast.Snapshot().Count(m => m.IsOwn && m.State == DeliveryState.Delivered) == 2,
            "both waiting broadcasts are delivered", bob);
        Assert.Equal(["one", "two"], bob.Broadcast.Snapshot().Where(m => m.IsOwn).Select(m => m.Text));
        Assert.Equal(SendOutcome.Sent, (await bob.BroadcastAsync("three", Ct)).Outcome);
    }

    [Fact]
    public async Task Agent_whose_server_is_down_at_first_connect_reports_unreachable_and_stops()
    {
        await _server.StopAsync();
        var agent = _agents.Create(Agents.Options("alice", _server.Port));

        var result = await agent.StartAsync(Ct).WaitAsync(Timeouts.Await, Ct);

        Assert.False(result.Success);
        Assert.Equal(JoinErrors.Unreachable, result.ErrorCode);
        Assert.Contains("refused", result.Message, StringComparison.Ordinal);
        Assert.Equal(RendezvousState.Closed, agent.State);
        Assert.Equal(result.Message, agent.StateDetail);
    }

    [Fact]
    public async Task Agent_shows_new_broadcasts_after_the_server_lost_its_history()
    {
        await using var forgetful = await TestServer.StartAsync(":memory:");
        var alice = await _agents.JoinAsync("alice", forgetful.Port);
        var bob = await _agents.JoinAsync("bob", forgetful.Port);
        foreach (var text in new[] { "one", "two", "three" })
        {
            await bob.BroadcastAsync(text, Ct);
        }

        // Bob has every echo before the server stops, so he sends nothing again: the new server's numbering starts at 1 for
        // "after the reset", at or below alice's since, which is how she can tell. (A resend shows once: next test.)
        await Eventually.HoldsAsync(() => Count(alice, "three") == 1, "alice has the first three", alice);
        await Eventually.HoldsAsync(() => bob.Broadcast.Snapshot().Count(m => m.IsOwn && m.State == DeliveryState.Delivered) == 3,
            "bob has the echoes of his three", bob);

        // Both see the server go before it comes back, so that "back" below means back on the new one.
        await forgetful.StopAsync();
        await Eventually.HoldsAsync(() => alice.State == RendezvousState.Reconnecting && bob.State == RendezvousState.Reconnecting,
            "both see the server gone", alice, bob);
        await forgetful.RestartAsync(); // numbering starts again at 1
        await Eventually.HoldsAsync(() => alice.State == RendezvousState.Online && bob.State == RendezvousState.Online
            && alice.Peers.Count == 1, "both are back on the new server", alice, bob);
        await bob.BroadcastAsync("after the reset", Ct);

        await Eventually.MessageAsync(() => alice.Broadcast, m => m.Text == "after the reset", "alice shows it", alice);
        // Shown once, after what she had.
        var texts = alice.Broadcast.Snapshot().Where(m => m.Kind == ChatMessageKind.Chat).Select(m => m.Text).ToList();
        Assert.Equal(["one", "two", "three", "after the reset"], texts);
        Assert.True(HistoryReset(alice), "alice is told the server's history was reset");
    }

    private static bool HistoryReset(PeerAgent agent) =>
        agent.Broadcast.Snapshot().Any(m => m is { Kind: ChatMessageKind.System, SystemLine.Kind: SystemLineKind.BroadcastHistoryReset });

    [Fact]
    public async Task A_broadcast_sent_again_to_a_server_that_lost_its_history_shows_once()
    {
        await using var forgetful = await TestServer.StartAsync(":memory:");
        var alice = await _agents.JoinAsync("alice", forgetful.Port);
        await using (var bob = await RawClient.JoinAsync(forgetful.Port, "bob", RawClient.ClosedPort()))
        {
            await bob.SayAsync("r-1", "one");
            await bob.SayAsync("r-2", "two");
            await Eventually.HoldsAsync(() => Count(alice, "two") == 1, "alice shows bob's two lines", alice);
        }

        await forgetful.StopAsync();
        await Eventually.HoldsAsync(() => alice.State == RendezvousState.Reconnecting, "alice sees the server gone", alice);
        await forgetful.RestartAsync(); // numbering starts again at 1
        await Eventually.HoldsAsync(() => alice.State == RendezvousState.Online, "alice is back on the new server", alice);

        // Bob never got the echo of "two" from the old server: he sends it again, under its id, then goes on.
        await using var again = await RawClient.JoinAsync(forgetful.Port, "bob", RawClient.ClosedPort());
        await again.SayAsync("r-2", "two");
        await again.SayAsync("r-3", "three");
        await Eventually.HoldsAsync(() => Count(alice, "three") == 1, "alice shows bob's next line", alice);

        var texts = alice.Broadcast.Snapshot().Where(m => m.Kind == ChatMessageKind.Chat).Select(m => m.Text).ToList();
        Assert.Equal(["one", "two", "three"], texts);
        Assert.True(HistoryReset(alice), "alice is told the server's history was reset");
    }

    private static int Count(PeerAgent agent, string text) => agent.Broadcast.Snapshot().Count(m => m.Text == text);
}
