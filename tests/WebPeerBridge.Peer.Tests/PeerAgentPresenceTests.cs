using WebPeerBridge.Peer.Tests.Support;

namespace WebPeerBridge.Peer.Tests;

public sealed class PeerAgentPresenceTests : IAsyncLifetime
{
    private readonly Agents _agents = new();
    private TestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _agents.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Two_agents_see_each_other_with_host_and_port()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        var bob = await _agents.JoinAsync("bob", _server.Port);

        await Eventually.HoldsAsync(() => alice.Peers.Any(p => p.Name == "bob"), "alice lists bob", alice);

        var bobSeenByAlice = Assert.Single(alice.Peers);
        Assert.Equal(("bob", "127.0.0.1", bob.PeerPort), (bobSeenByAlice.Name, bobSeenByAlice.Host, bobSeenByAlice.Port));
        var aliceSeenByBob = Assert.Single(bob.Peers);
        Assert.Equal(("alice", "127.0.0.1", alice.PeerPort), (aliceSeenByBob.Name, aliceSeenByBob.Host, aliceSeenByBob.Port));
        Assert.InRange(alice.PeerPort, Agents.PortMin, Agents.PortMax);
        Assert.NotEqual(alice.PeerPort, bob.PeerPort);
        Assert.Equal(RendezvousState.Online, alice.State);
        Assert.Equal(("alice", alice.PeerPort), (alice.Self?.Name, alice.Self?.Port));
    }

    [Fact]
    public async Task A_peer_that_leaves_disappears_from_the_list_with_a_notice()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        var notices = new List<AgentNotice>();
        using var subscription = alice.SubscribeNotices(n =>
        {
            lock (notices)
            {
                notices.Add(n);
            }
        });
        var bob = await _agents.JoinAsync("bob", _server.Port);
        await Eventually.HoldsAsync(() => alice.Peers.Count == 1, "alice lists bob", alice);

        await bob.LeaveAsync(TestContext.Current.CancellationToken);

        await Eventually.HoldsAsync(() => alice.Peers.Count == 0, "bob is gone from alice's list", alice);
        Assert.Equal(RendezvousState.Closed, bob.State);
        lock (notices)
        {
            Assert.Contains(notices, n => n.Kind == NoticeKind.Joined && n.PeerName == "bob" && n.Text.Contains($"127.0.0.1:{bob.PeerPort}", StringComparison.Ordinal));
            Assert.Contains(notices, n => n.Kind == NoticeKind.Left && n.PeerName == "bob");
        }
    }

    [Fact]
    public async Task Advertised_host_is_what_others_see()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        await _agents.JoinAsync("bob", _server.Port, o => o.AdvertisedHost = "bob.example.lan");

        await Eventually.HoldsAsync(() => alice.Peers.Count == 1, "alice lists bob", alice);

        Assert.Equal("bob.example.lan", alice.Peers[0].Host);
    }
}
