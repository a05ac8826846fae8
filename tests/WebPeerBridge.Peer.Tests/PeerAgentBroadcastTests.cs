using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Peer.Tests.Support;

namespace WebPeerBridge.Peer.Tests;

public sealed class PeerAgentBroadcastTests : IAsyncLifetime
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
    public async Task Broadcast_reaches_the_other_agent_both_ways()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        var bob = await _agents.JoinAsync("bob", _server.Port);

        var sent = await alice.BroadcastAsync("hi bob", Ct);
        Assert.True(sent.Accepted, sent.Error);
        var atBob = await Eventually.MessageAsync(() => bob.Broadcast, m => m.Text == "hi bob", "bob gets alice's broadcast", bob);
        Assert.Equal(("alice", false, DeliveryState.None), (atBob.From, atBob.IsOwn, atBob.State));

        await bob.ExecuteAsync("hello alice", Ct);
        var atAlice = await Eventually.MessageAsync(() => alice.Broadcast, m => m.Text == "hello alice", "alice gets bob's broadcast", alice);
        Assert.Equal("bob", atAlice.From);
        Assert.Equal(1, alice.Broadcast.Unread);
    }

    [Fact]
    public async Task Own_broadcast_shows_sending_then_delivered_once()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);

        var sent = await alice.BroadcastAsync("hello world", Ct);

        var delivered = await Eventually.MessageAsync(() => alice.Broadcast, m => m.Id == sent.MessageId && m.State == DeliveryState.Delivered,
            "alice's broadcast is delivered", alice);
        Assert.True(delivered.IsOwn);
        Assert.NotNull(delivered.Seq);
        Assert.Single(alice.Broadcast.Snapshot(), m => m.Text == "hello world");
    }

    [Fact]
    public async Task Empty_broadcast_is_refused_with_a_reason()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);

        var sent = await alice.BroadcastAsync("   ", Ct);

        Assert.False(sent.Accepted);
        Assert.False(string.IsNullOrEmpty(sent.Error));
    }

    [Fact]
    public async Task Newcomer_gets_earlier_broadcasts_as_read_history()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        var sent = await alice.BroadcastAsync("before you came", Ct);
        await Eventually.MessageAsync(() => alice.Broadcast, m => m.Id == sent.MessageId && m.State == DeliveryState.Delivered, "delivered", alice);

        var bob = await _agents.JoinAsync("bob", _server.Port);

        Assert.Contains(bob.Broadcast.Snapshot(), m => m.Text == "before you came" && m.From == "alice");
        Assert.Equal(0, bob.Broadcast.Unread);
    }
}
