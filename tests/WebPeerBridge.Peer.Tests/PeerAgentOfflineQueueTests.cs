using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Peer.Tests.Support;

namespace WebPeerBridge.Peer.Tests;

/// <summary>Direct messages to a peer that went offline wait in the agent until it is back with the key it left with.</summary>
public sealed class PeerAgentOfflineQueueTests : IAsyncLifetime
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
    public async Task A_dm_to_a_peer_that_left_waits_queued_and_goes_out_when_it_is_back_with_its_key()
    {
        var (alice, carol) = await TalkedAsync();
        await carol.LeaveAsync(Ct);
        await Eventually.HoldsAsync(() => alice.Peers.All(p => p.Name != "carol") && alice.QueuesFor("carol"), "alice knows carol left", alice);

        var sent = await alice.SendDirectAsync("carol", "see you when you are back", Ct);

        Assert.Equal(SendOutcome.Queued, sent.Outcome);
        Assert.True(sent.Accepted);
        Assert.Equal(DeliveryState.Queued, alice.FindDirect("carol")!.Snapshot().Single(m => m.Id == sent.MessageId).State);
        var back = await _agents.JoinAsync("carol", _server.Port, o => o.Identity = carol.Identity);
        await Eventually.MessageAsync(() => back.FindDirect("alice"), m => m.Text == "see you when you are back", "carol gets what waited", back);
        await Eventually.HoldsAsync(() => State(alice, sent.MessageId) == DeliveryState.Delivered, "alice sees it delivered", alice);
    }

    [Fact]
    public async Task A_dm_sent_the_moment_a_peer_said_bye_waits_for_it_rather_than_going_over_their_closing_link()
    {
        var (alice, carol) = await TalkedAsync();
        await carol.LeaveAsync(Ct);
        // As soon as the list shows her gone, whether or not their link has closed yet.
        await Eventually.HoldsAsync(() => alice.Peers.All(p => p.Name != "carol"), "alice knows carol left", alice);

        var sent = await alice.SendDirectAsync("carol", "sent as you left", Ct);

        Assert.Equal(SendOutcome.Queued, sent.Outcome);
        Assert.Equal(DeliveryState.Queued, State(alice, sent.MessageId));
        var back = await _agents.JoinAsync("carol", _server.Port, o => o.Identity = carol.Identity);
        await Eventually.MessageAsync(() => back.FindDirect("alice"), m => m.Text == "sent as you left", "carol gets it once back", back);
        await Eventually.HoldsAsync(() => State(alice, sent.MessageId) == DeliveryState.Delivered, "alice sees it delivered", alice);
    }

    [Fact]
    public async Task What_waited_is_not_sent_to_a_peer_back_under_the_name_with_another_key()
    {
        var (alice, carol) = await TalkedAsync();
        await carol.LeaveAsync(Ct);
        await Eventually.HoldsAsync(() => alice.Peers.All(p => p.Name != "carol") && alice.QueuesFor("carol"), "alice knows carol left", alice);
        var sent = await alice.SendDirectAsync("carol", "for the real carol", Ct);

        var impostor = await _agents.JoinAsync("carol", _server.Port);

        await Eventually.HoldsAsync(() => State(alice, sent.MessageId) == DeliveryState.Failed, "the queued dm fails", alice);
        Assert.Equal(new DeliveryFailure(DeliveryFailureKind.KeyChanged, "carol"), alice.FindDirect("carol")!.Snapshot().Single(m => m.Id == sent.MessageId).Failure);
        Assert.Null(impostor.FindDirect("alice"));
    }

    [Fact]
    public async Task A_dm_to_an_offline_peer_never_met_says_plainly_that_it_cannot_be_sent()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        alice.OpenDirect("zed");

        var sent = await alice.SendDirectAsync("zed", "hello?", Ct);

        Assert.Equal(SendOutcome.PeerOffline, sent.Outcome);
        Assert.Equal(new DeliveryFailure(DeliveryFailureKind.PeerOffline, "zed"), sent.Failure);
        Assert.False(alice.QueuesFor("zed"));
        Assert.Empty(alice.FindDirect("zed")!.Snapshot());
    }

    [Fact]
    public async Task Nothing_waits_for_a_peer_without_a_key_and_the_send_says_why()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        await using var old = await RawClient.JoinAsync(_server.Port, "old", RawClient.ClosedPort()); // an older peer: no key
        await Eventually.HoldsAsync(() => alice.Peers.Any(p => p.Name == "old"), "alice lists old", alice);
        alice.OpenDirect("old");
        await old.LeaveAsync();
        await Eventually.HoldsAsync(() => alice.Peers.All(p => p.Name != "old"), "alice knows old left", alice);

        var sent = await alice.SendDirectAsync("old", "still there?", Ct);

        var why = new DeliveryFailure(DeliveryFailureKind.PeerOfflineWithoutKey, "old");
        Assert.Equal(SendOutcome.PeerOffline, sent.Outcome);
        Assert.Equal(why, sent.Failure);
        Assert.False(alice.QueuesFor("old"));
        Assert.Equal(why, alice.OfflineFailureFor("old"));
        Assert.DoesNotContain(alice.FindDirect("old")!.Snapshot(), m => m.IsOwn);
    }

    [Fact]
    public async Task A_peer_with_a_key_that_left_is_waited_for_and_says_so()
    {
        var (alice, carol) = await TalkedAsync();
        await carol.LeaveAsync(Ct);
        await Eventually.HoldsAsync(() => alice.Peers.All(p => p.Name != "carol") && alice.QueuesFor("carol"), "alice knows carol left", alice);

        Assert.Null(alice.OfflineFailureFor("carol"));
    }

    [Fact]
    public async Task A_host_that_joins_sends_and_leaves_in_a_loop_is_waited_for_only_while_its_conversation_is_kept()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port, o => o.MaxDirectConversations = 2);
        for (var i = 1; i <= 4; i++)
        {
            var name = $"h{i}";
            var host = await TalksToAliceAsync(alice, name);
            await host.LeaveAsync(Ct);
            await Eventually.HoldsAsync(() => alice.QueuesFor(name), $"alice knows {name} left", alice);
        }

        Assert.Equal(["h3", "h4"], alice.DirectConversations.Select(c => c.Key));
        Assert.Equal(2, alice.OfflinePeerCount);
        Assert.False(alice.QueuesFor("h1"));

        // Someone who stays takes the room of h3's conversation: h3 is no longer waited for either.
        await TalksToAliceAsync(alice, "stays");

        Assert.Equal(["h4", "stays"], alice.DirectConversations.Select(c => c.Key));
        Assert.False(alice.QueuesFor("h3"));
        Assert.True(alice.QueuesFor("h4"));
        Assert.Equal(1, alice.OfflinePeerCount);
    }

    private async Task<PeerAgent> TalksToAliceAsync(PeerAgent alice, string name)
    {
        var peer = await _agents.JoinAsync(name, _server.Port);
        await Eventually.HoldsAsync(() => peer.Peers.Any(p => p.Name == "alice"), $"{name} sees alice", peer);
        await peer.SendDirectAsync("alice", $"one message from {name}", Ct);
        await Eventually.MessageAsync(() => alice.FindDirect(name), m => m.Text == $"one message from {name}", $"{name}'s dm arrives", alice);
        return peer;
    }

    private async Task<(PeerAgent Alice, PeerAgent Carol)> TalkedAsync()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        var carol = await _agents.JoinAsync("carol", _server.Port);
        await Eventually.HoldsAsync(() => carol.Peers.Any(p => p.Name == "alice"), "carol sees alice", carol);
        await carol.SendDirectAsync("alice", "hi alice", Ct);
        await Eventually.MessageAsync(() => alice.FindDirect("carol"), m => m.Text == "hi alice", "the dm arrives", alice);
        return (alice, carol);
    }

    private static DeliveryState? State(PeerAgent agent, string? id) =>
        agent.FindDirect("carol")?.Snapshot().FirstOrDefault(m => m.Id == id)?.State;
}
