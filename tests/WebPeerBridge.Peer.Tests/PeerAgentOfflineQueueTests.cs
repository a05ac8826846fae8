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
        await Eventually.HoldsAsync(() => alice.QueuesFor("carol"), "alice knows carol left", alice);

        var sent = await alice.SendDirectAsync("carol", "see you when you are back", Ct);

        Assert.Equal(SendOutcome.Queued, sent.Outcome);
        Assert.True(sent.Accepted);
        Assert.Equal(DeliveryState.Queued, alice.FindDirect("carol")!.Snapshot().Single(m => m.Id == sent.MessageId).State);
        var back = await _agents.JoinAsync("carol", _server.Port, o => o.Identity = carol.Identity);
        await Eventually.MessageAsync(() => back.FindDirect("alice"), m => m.Text == "see you when you are back", "carol gets what waited", back);
        await Eventually.HoldsAsync(() => State(alice, sent.MessageId) == DeliveryState.Delivered, "alice sees it delivered", alice);
    }

    [Fact]
    public async Task What_waited_is_not_sent_to_a_peer_back_under_the_name_with_another_key()
    {
        var (alice, carol) = await TalkedAsync();
        await carol.LeaveAsync(Ct);
        await Eventually.HoldsAsync(() => alice.QueuesFor("carol"), "alice knows carol left", alice);
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
