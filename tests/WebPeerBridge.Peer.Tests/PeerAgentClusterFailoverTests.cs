using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Peer.Tests.Support;
using WebPeerBridge.Rendezvous;
using WebPeerBridge.Rendezvous.Tests.Cluster;

namespace WebPeerBridge.Peer.Tests;

/// <summary>Agents on two rendezvous nodes of one network (a real nats-server): a node goes, its agents move and miss nothing.</summary>
public sealed class PeerAgentClusterFailoverTests : IAsyncDisposable
{
    private readonly Agents _agents = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _agents.DisposeAsync();

    [Fact]
    public async Task Agent_whose_node_stops_moves_to_the_other_node_and_shows_each_broadcast_exactly_once()
    {
        await using var nats = await NatsServer.StartAsync(Ct);
        var a = await StartNodeAsync(nats, "a");
        using var b = await StartNodeAsync(nats, "b");
        try
        {
            string[] aFirst = [$"127.0.0.1:{a.LocalEndPoint!.Port}", $"127.0.0.1:{b.LocalEndPoint!.Port}"];
            var alice = await _agents.JoinAsync("alice", a.LocalEndPoint.Port, o => o.RendezvousServers = [.. aFirst]);
            var bob = await _agents.JoinAsync("bob", b.LocalEndPoint.Port, o => o.RendezvousServers = [.. aFirst.Reverse()]);
            await Eventually.HoldsAsync(() => alice.Peers.Count == 1 && bob.Peers.Count == 1, "each sees the other across the nodes", alice, bob);
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

            await a.StopAsync(Ct);
            await SayAsync(6, 10);
            await Eventually.HoldsAsync(() => alice.State == RendezvousState.Online && b.OnlineCount == 2, "alice moved to node b", alice);
            await SayAsync(11, 15);

            await Eventually.HoldsAsync(() => said.All(t => Count(alice, t) >= 1), "alice has every broadcast", alice);
            Assert.All(said, t => Assert.Equal(1, Count(alice, t)));
            var seqs = alice.Broadcast.Snapshot().Where(m => m.Kind == ChatMessageKind.Chat).Select(m => m.Seq!.Value).ToList();
            Assert.Equal(seqs.Order(), seqs);
            Assert.Equal(seqs.Distinct().Count(), seqs.Count);
        }
        finally
        {
            await _agents.DisposeAsync();
            await a.StopAsync(CancellationToken.None);
            a.Dispose();
            await b.StopAsync(CancellationToken.None);
        }
    }

    private static int Count(PeerAgent agent, string text) => agent.Broadcast.Snapshot().Count(m => m.Text == text);

    private static async Task<RendezvousServer> StartNodeAsync(NatsServer nats, string node)
    {
        var options = new RendezvousOptions
        {
            BindAddress = "127.0.0.1",
            Port = 0,
            HistoryPath = ":memory:",
            SweepInterval = TimeSpan.FromMilliseconds(100),
            TrustedAddresses = ["127.0.0.1"],
        };
        options.Nats.Url = nats.Url;
        options.Nats.NodeId = node;
        var server = new RendezvousServer(Options.Create(options), TimeProvider.System, NullLoggerFactory.Instance);
        await server.StartAsync(Ct);
        await server.WaitUntilListeningAsync(Ct).WaitAsync(Timeouts.Await, Ct);
        return server;
    }
}
