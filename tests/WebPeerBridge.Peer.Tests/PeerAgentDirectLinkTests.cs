using System.Net;
using System.Net.Sockets;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Peer.Tests.Support;

namespace WebPeerBridge.Peer.Tests;

public sealed class PeerAgentDirectLinkTests : IAsyncLifetime
{
    private readonly Agents _agents = new();
    private TestServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _agents.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Direct_message_to_a_listed_peer_dials_and_turns_delivered()
    {
        var (alice, bob) = await JoinPairAsync();

        var sent = await alice.SendDirectAsync("bob", "psst", Ct);

        Assert.True(sent.Accepted, sent.Error);
        var atBob = await Eventually.MessageAsync(() => bob.FindDirect("alice"), m => m.Text == "psst", "bob gets the dm", bob);
        Assert.Equal(("alice", false), (atBob.From, atBob.IsOwn));
        await Eventually.MessageAsync(() => alice.FindDirect("bob"), m => m.Id == sent.MessageId && m.State == DeliveryState.Delivered,
            "alice's dm is delivered", alice);
        Assert.Equal(DirectLinkState.Open, alice.GetLinkState("bob"));
        Assert.Equal(DirectLinkState.Open, bob.GetLinkState("alice"));
        Assert.Equal("bob", alice.CurrentPeer);
        Assert.Equal("alice", bob.CurrentPeer);
    }

    [Fact]
    public async Task Conn_then_to_peer_reaches_the_peer_at_that_address()
    {
        var (alice, bob) = await JoinPairAsync();

        var linked = await alice.ExecuteAsync($"conn:127.0.0.1:{bob.PeerPort}", Ct);
        Assert.True(linked.Success, linked.Message);
        Assert.Equal("bob", linked.ConversationKey);

        var sent = await alice.ExecuteAsync("to_peer:through the link", Ct);
        Assert.True(sent.Success, sent.Message);

        await Eventually.MessageAsync(() => bob.FindDirect("alice"), m => m.Text == "through the link", "bob gets the to_peer text", bob);
        var answer = await bob.ExecuteAsync("to_peer:got it", Ct);
        Assert.True(answer.Success, answer.Message);
        await Eventually.MessageAsync(() => alice.FindDirect("bob"), m => m.Text == "got it", "alice gets bob's answer", alice);
    }

    [Fact]
    public async Task Both_sides_dialing_at_once_keep_exactly_one_link()
    {
        var (alice, bob) = await JoinPairAsync();

        for (var round = 0; round < 5; round++)
        {
            var dials = await Task.WhenAll(alice.ConnectToPeerAsync("bob", Ct), bob.ConnectToPeerAsync("alice", Ct));

            Assert.All(dials, d => Assert.True(d.Success, d.Error));
            // Settled: one socket each, and both sides kept the same link (the one dialed by alice, who sorts first).
            try
            {
                await Eventually.HoldsAsync(() => alice.LiveLinkCount == 1 && bob.LiveLinkCount == 1
                    && alice.OpenLinkDialer("bob") == "alice" && bob.OpenLinkDialer("alice") == "alice",
                    "each side keeps the same single link", alice, bob);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"round {round}: {string.Join(", ", dials.Select(d => d.ToString()))}; alice live {alice.LiveLinkCount} dialer {alice.OpenLinkDialer("bob")} {alice.GetLinkState("bob")}; bob live {bob.LiveLinkCount} dialer {bob.OpenLinkDialer("alice")} {bob.GetLinkState("alice")}\nalice: {alice.DescribeLinks()}\nbob: {bob.DescribeLinks()}");
            }

            var there = await alice.SendDirectAsync("bob", $"ping {round}", Ct);
            var back = await bob.SendDirectAsync("alice", $"pong {round}", Ct);
            try
            {
                await Eventually.HoldsAsync(() => Delivered(alice, "bob", there.MessageId) && Delivered(bob, "alice", back.MessageId),
                    "both dms are delivered", alice, bob);
            }
            catch (TimeoutException)
            {
                var dump = string.Join("\n", alice.FindDirect("bob")!.Snapshot().Concat(bob.FindDirect("alice")!.Snapshot()).Select(m => m.ToString()));
                Assert.Fail($"round {round}: {there} {back} live {alice.LiveLinkCount}/{bob.LiveLinkCount}\n{dump}");
            }
            await alice.CloseLinkAsync("bob", Ct);
            await Eventually.HoldsAsync(() => bob.GetLinkState("alice") == DirectLinkState.Closed && bob.LiveLinkCount == 0 && alice.LiveLinkCount == 0,
                "the link is closed on both sides", alice, bob);
        }

        Assert.Equal(5, bob.FindDirect("alice")!.Snapshot().Count(m => m.Kind == ChatMessageKind.Chat && !m.IsOwn));
    }

    [Fact]
    public async Task Link_whose_peer_dies_shows_closed_and_its_unacknowledged_message_failed()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        await using var mallory = new FakePeer("mallory");
        var linked = await alice.ConnectAsync("127.0.0.1", mallory.Port, Ct);
        Assert.True(linked.Success, linked.Error);
        Assert.Equal("mallory", linked.PeerName);

        var sent = await alice.SendDirectAsync("mallory", "are you there?", Ct);
        Assert.Contains("\"dm\"", await mallory.NextLineAsync(), StringComparison.Ordinal);
        Assert.Equal(DeliveryState.Sending, alice.FindDirect("mallory")!.Snapshot().Single(m => m.Id == sent.MessageId).State);

        await mallory.DropAsync();

        var failed = await Eventually.MessageAsync(() => alice.FindDirect("mallory"), m => m.Id == sent.MessageId && m.State == DeliveryState.Failed,
            "the unacknowledged dm is failed", alice);
        Assert.Contains("closed", failed.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(DirectLinkState.Closed, alice.GetLinkState("mallory"));
        Assert.Null(alice.CurrentPeer);
    }

    [Fact]
    public async Task Message_without_ack_in_time_shows_failed()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port, o => o.AckTimeout = TimeSpan.FromMilliseconds(300));
        await using var mallory = new FakePeer("mallory");
        await alice.ConnectAsync("127.0.0.1", mallory.Port, Ct);

        var sent = await alice.SendDirectAsync("mallory", "hello?", Ct);

        var failed = await Eventually.MessageAsync(() => alice.FindDirect("mallory"), m => m.Id == sent.MessageId && m.State == DeliveryState.Failed,
            "the dm times out", alice);
        Assert.Contains("confirm", failed.Error, StringComparison.Ordinal);
        Assert.Equal(DirectLinkState.Open, alice.GetLinkState("mallory"));
    }

    [Fact]
    public async Task Failed_direct_message_can_be_resent_and_is_shown_once()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        var ghost = await RawClient.JoinAsync(_server.Port, "bob", RawClient.ClosedPort());
        await Eventually.HoldsAsync(() => alice.Peers.Count == 1, "alice lists bob", alice);

        var sent = await alice.SendDirectAsync("bob", "first try", Ct);

        Assert.False(sent.Accepted);
        Assert.Contains("refused", sent.Error, StringComparison.Ordinal);
        var failed = alice.FindDirect("bob")!.Snapshot().Single(m => m.Id == sent.MessageId);
        Assert.Equal(DeliveryState.Failed, failed.State);

        await ghost.LeaveAsync();
        await Eventually.HoldsAsync(() => alice.Peers.Count == 0, "the ghost left", alice);
        var bob = await _agents.JoinAsync("bob", _server.Port);
        await Eventually.HoldsAsync(() => alice.Peers.Count == 1, "the real bob is listed", alice);

        var resent = await alice.ResendAsync("bob", sent.MessageId!, Ct);

        Assert.True(resent.Accepted, resent.Error);
        await Eventually.HoldsAsync(() => Delivered(alice, "bob", sent.MessageId), "the resent dm is delivered", alice);
        Assert.Single(alice.FindDirect("bob")!.Snapshot(), m => m.Text == "first try");
        Assert.Single(bob.FindDirect("alice")!.Snapshot(), m => m.Text == "first try");
    }

    [Fact]
    public async Task Several_open_links_and_none_current_make_to_peer_an_error_that_names_them()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        var bob = await _agents.JoinAsync("bob", _server.Port);
        var carol = await _agents.JoinAsync("carol", _server.Port);
        var dave = await _agents.JoinAsync("dave", _server.Port);
        await Eventually.HoldsAsync(() => alice.Peers.Count == 3, "alice lists everyone", alice);
        foreach (var name in new[] { "bob", "carol", "dave" })
        {
            Assert.True((await alice.ConnectToPeerAsync(name, Ct)).Success);
        }

        Assert.Equal("dave", alice.CurrentPeer);
        await alice.CloseLinkAsync("dave", Ct);

        Assert.Null(alice.CurrentPeer);
        var result = await alice.ExecuteAsync("to_peer:who gets this?", Ct);
        Assert.False(result.Success);
        Assert.Contains("bob", result.Message, StringComparison.Ordinal);
        Assert.Contains("carol", result.Message, StringComparison.Ordinal);

        await alice.ExecuteAsync("/msg carol you do", Ct);
        Assert.Equal("carol", alice.CurrentPeer);
        Assert.True((await alice.ExecuteAsync("to_peer:and this too", Ct)).Success);
        await Eventually.MessageAsync(() => carol.FindDirect("alice"), m => m.Text == "and this too", "carol gets it", carol);
        _ = bob;
        _ = dave;
    }

    [Fact]
    public async Task Listener_answers_only_after_the_dialer_speaks()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        // An older peer, listed without a key: its plain hello is accepted.
        await using var zed = await RawClient.JoinAsync(_server.Port, "zed", RawClient.ClosedPort());
        await Eventually.HoldsAsync(() => alice.Peers.Count == 1, "alice lists zed", alice);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, alice.PeerPort, Ct);
        var stream = client.GetStream();
        var buffer = new byte[256];

        var silentRead = stream.ReadAsync(buffer, Ct).AsTask();
        await alice.BroadcastAsync("meanwhile, the agent works", Ct); // gives the listener time to (wrongly) speak
        Assert.False(silentRead.IsCompleted);

        await stream.WriteAsync("{\"type\":\"hello\",\"version\":1,\"name\":\"zed\"}\n"u8.ToArray(), Ct);
        var read = await silentRead.WaitAsync(Timeouts.Await, Ct);
        Assert.Contains("\"name\":\"alice\"", System.Text.Encoding.UTF8.GetString(buffer, 0, read), StringComparison.Ordinal);
        await Eventually.HoldsAsync(() => alice.GetLinkState("zed") == DirectLinkState.Open, "zed's link is open", alice);
    }

    private static bool Delivered(PeerAgent agent, string peer, string? id) =>
        agent.FindDirect(peer)?.Snapshot().Any(m => m.Id == id && m.State == DeliveryState.Delivered) == true;

    private async Task<(PeerAgent Alice, PeerAgent Bob)> JoinPairAsync()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        var bob = await _agents.JoinAsync("bob", _server.Port);
        await Eventually.HoldsAsync(() => alice.Peers.Count == 1 && bob.Peers.Count == 1, "they see each other", alice, bob);
        return (alice, bob);
    }
}
