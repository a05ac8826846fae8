using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Rendezvous.Tests.Support;

namespace WebPeerBridge.Rendezvous.Tests.Cluster;

/// <summary>
/// A node that starts before NATS is ready: compose starts it together with the NATS servers, and a NATS cluster elects
/// its JetStream leader seconds after they are up.
/// </summary>
[Collection(OneClusterAtATime.Name)]
public sealed class ClusterStartupTests
{
    [Fact]
    public async Task A_node_started_before_nats_waits_for_it_and_then_serves()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nats = NatsServer.Reserve();
        Task<TestServer> starting;
        using (var notNats = new TcpListener(IPAddress.Loopback, nats.Port))
        {
            // No NATS on its port yet: the node's first connection is closed at once.
            notNats.Start();
            starting = ClusterNodes.StartAsync(nats, "a", ct);
            using var first = await notNats.AcceptSocketAsync(ct).AsTask().WaitAsync(TestClient.Timeout, ct);
        }

        await nats.StartAgainAsync(ct);

        await using var a = await starting;
        a.ErrorsExpected = true; // NATS.Net logs the failed first connection
        await AssertServesAsync(a, ct);
    }

    [Fact]
    public async Task A_node_waits_while_jetstream_does_not_answer_and_serves_once_it_does()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nats = NatsServer.Reserve();
        await nats.StartAgainAsync(ct, jetStream: false);
        var starting = ClusterNodes.StartAsync(nats, "a", ct);

        // The node asked JetStream for its stream and nobody answered: it must keep waiting.
        await nats.WaitForOutputAsync("$JS.API.STREAM.", ct);
        Assert.False(starting.IsCompleted);
        await nats.KillAsync();
        await nats.StartAgainAsync(ct);

        await using var a = await starting;
        a.ErrorsExpected = true; // NATS.Net logs the lost connection
        await AssertServesAsync(a, ct);
    }

    [Fact]
    public async Task A_node_stopped_while_it_waits_for_nats_stops_at_once_and_never_listens()
    {
        var ct = TestContext.Current.CancellationToken;
        using var notNats = new TcpListener(IPAddress.Loopback, 0); // takes the connection and says nothing
        notNats.Start();
        var options = new RendezvousOptions { BindAddress = "127.0.0.1", Port = 0, HistoryPath = ":memory:" };
        options.Nats.Url = $"nats://127.0.0.1:{((IPEndPoint)notNats.LocalEndpoint).Port}";
        options.Nats.NodeId = "a";
        using var node = new RendezvousServer(Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, NullLoggerFactory.Instance);
        await node.StartAsync(ct);
        var listening = node.WaitUntilListeningAsync(ct);
        using var waiting = await notNats.AcceptSocketAsync(ct).AsTask().WaitAsync(TestClient.Timeout, ct);

        await node.StopAsync(ct).WaitAsync(TestClient.Timeout, ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listening.WaitAsync(TestClient.Timeout, ct));
        Assert.False(node.IsListening);
    }

    private static async Task AssertServesAsync(TestServer node, CancellationToken ct)
    {
        var (alice, _) = await node.JoinAsync("alice", 40001, ct);
        var (bob, _) = await node.JoinAsync("bob", 40002, ct);
        await alice.NextMatchingAsync<Joined>(j => j.Peer.Name == "bob", ct);
        await TestServer.AssertBroadcastFlowsAsync(alice, bob, ct);
    }
}
