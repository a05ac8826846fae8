using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Rendezvous.Tests.Support;

namespace WebPeerBridge.Rendezvous.Tests.Cluster;

/// <summary>A NATS server of its own and two rendezvous nodes on it (a and b), in this process; disposed in reverse.</summary>
internal sealed class TwoNodes : IAsyncDisposable
{
    private TwoNodes(NatsServer nats, TestServer a, TestServer b)
    {
        Nats = nats;
        A = a;
        B = b;
    }

    public NatsServer Nats { get; }

    public TestServer A { get; }

    public TestServer B { get; }

    /// <summary>Starts NATS and the two nodes; <paramref name="configure"/> changes both nodes' options.</summary>
    public static async Task<TwoNodes> StartAsync(CancellationToken cancellationToken, Action<RendezvousOptions>? configure = null)
    {
        var nats = await NatsServer.StartAsync(cancellationToken);
        var a = await ClusterNodes.StartAsync(nats, "a", cancellationToken, configure);
        var b = await ClusterNodes.StartAsync(nats, "b", cancellationToken, configure);
        return new TwoNodes(nats, a, b);
    }

    /// <summary>alice joins node a, then bob node b; returns once each knows the other is online.</summary>
    public async Task<(TestClient Alice, Welcome AliceWelcome, TestClient Bob)> AliceOnAAndBobOnBAsync(CancellationToken cancellationToken)
    {
        var (alice, aliceWelcome) = await A.JoinAsync("alice", 40001, cancellationToken);
        var (bob, bobWelcome) = await B.JoinAsync("bob", 40002, cancellationToken);
        var joined = await alice.NextAsync<Joined>(cancellationToken);
        Assert.Equal(("bob", 40002), (joined.Peer.Name, joined.Peer.Port));
        await bob.WaitUntilListedAsync(bobWelcome, "alice", cancellationToken);
        return (alice, aliceWelcome, bob);
    }

    public async ValueTask DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
        await Nats.DisposeAsync();
    }
}
