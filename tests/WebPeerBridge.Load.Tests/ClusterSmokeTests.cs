using WebPeerBridge.Load.Cluster;
using WebPeerBridge.Load.Fanout;

namespace WebPeerBridge.Load.Tests;

/// <summary>The cluster scenario at small scale, with real child processes (rendezvous nodes and a nats-server): counts only.</summary>
public sealed class ClusterSmokeTests
{
    [Fact]
    public async Task Cluster_scenario_delivers_every_broadcast_on_an_embedded_node_a_clustered_node_and_two_spread_nodes()
    {
        var scenario = new FanoutOptions { Clients = 20, Senders = 2, Messages = 20, WarmupMessages = 0, Rates = [0], Timeout = TimeSpan.FromMinutes(2) };
        var log = new StringWriter();

        var results = await new ClusterBenchRunner(new ClusterBenchOptions { Scenario = scenario }, log).RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["1 node, embedded (SQLite)", "1 node, NATS JetStream", "2 nodes, NATS JetStream, clients spread"], results.Select(r => r.Setup));
        Assert.All(results, r =>
        {
            Assert.True(r.Result.ReadyClients == 20, log.ToString());
            var phase = Assert.Single(r.Result.Phases);
            Assert.True(phase.AllDelivered && phase.OutOfOrder == 0, log.ToString());
            Assert.Equal(20 * 2 * 20, phase.Delivered);
        });
    }
}
