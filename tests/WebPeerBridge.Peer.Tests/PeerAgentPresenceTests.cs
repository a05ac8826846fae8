using WebPeerBridge.Peer.Changes;
using WebPeerBridge.Peer.Presence;
using WebPeerBridge.Peer.Tests.Support;
using WebPeerBridge.Protocol.Frames;

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
        var joined = new TaskCompletionSource<AgentNotice>(TaskCreationOptions.RunContinuationsAsynchronously);
        var left = new TaskCompletionSource<AgentNotice>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = alice.Subscribe(change => _ = change switch
        {
            NoticeRaised { Notice: { Kind: NoticeKind.Joined } n } => joined.TrySetResult(n),
            NoticeRaised { Notice: { Kind: NoticeKind.Left } n } => left.TrySetResult(n),
            _ => false,
        });
        var bob = await _agents.JoinAsync("bob", _server.Port);

        var joinedNotice = await joined.Task.WaitAsync(Timeouts.Await, TestContext.Current.CancellationToken);
        Assert.Equal("bob", joinedNotice.PeerName);
        Assert.Equal($"127.0.0.1:{bob.PeerPort}", joinedNotice.Endpoint);

        await bob.LeaveAsync(TestContext.Current.CancellationToken);

        var leftNotice = await left.Task.WaitAsync(Timeouts.Await, TestContext.Current.CancellationToken);
        Assert.Equal(("bob", LeftReasons.Bye), (leftNotice.PeerName, leftNotice.LeftReason));
        Assert.Empty(alice.Peers);
        Assert.Equal(RendezvousState.Closed, bob.State);
    }

    [Fact]
    public async Task Advertised_host_is_what_others_see()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        await _agents.JoinAsync("bob", _server.Port, o => o.AdvertisedHost = "bob.example.lan");

        await Eventually.HoldsAsync(() => alice.Peers.Count == 1, "alice lists bob", alice);

        Assert.Equal("bob.example.lan", alice.Peers[0].Host);
    }

    [Fact]
    public async Task Agents_on_one_peer_pool_list_each_peer_as_one_object_and_lose_it_together()
    {
        var pool = new PeerPool(capacity: 100);
        var alice = await _agents.JoinAsync("alice", _server.Port, o => o.PeerPool = pool);
        var carol = await _agents.JoinAsync("carol", _server.Port);
        await Eventually.HoldsAsync(() => alice.Peers.Any(p => p.Name == "carol"), "alice lists carol", alice);
        var bob = await _agents.JoinAsync("bob", _server.Port, o => o.PeerPool = pool);
        var dave = await _agents.JoinAsync("dave", _server.Port, o => o.PeerPool = new PeerPool(capacity: 100));
        await Eventually.HoldsAsync(() => new[] { alice, bob }.All(a => a.Peers.Any(p => p.Name == "dave")), "alice and bob list dave", alice, bob);

        // Carol came to alice in a joined frame and to bob in his welcome; dave to both in a joined frame.
        var carolSeenByAlice = alice.Peers.Single(p => p.Name == "carol");
        Assert.Same(carolSeenByAlice, bob.Peers.Single(p => p.Name == "carol"));
        Assert.Same(alice.Peers.Single(p => p.Name == "dave"), bob.Peers.Single(p => p.Name == "dave"));
        // Dave's agent has a pool of its own: an equal peer, not the same object.
        var carolSeenByDave = dave.Peers.Single(p => p.Name == "carol");
        Assert.NotSame(carolSeenByAlice, carolSeenByDave);
        Assert.Equal(carolSeenByAlice, carolSeenByDave);

        await carol.LeaveAsync(TestContext.Current.CancellationToken);
        await Eventually.HoldsAsync(() => new[] { alice, bob }.All(a => a.Peers.All(p => p.Name != "carol")), "carol is gone for alice and bob", alice, bob);
        Assert.Equal(["bob", "dave"], alice.Peers.Select(p => p.Name));
        Assert.Equal(["alice", "dave"], bob.Peers.Select(p => p.Name));
    }
}
