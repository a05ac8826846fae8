using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebPeerBridge.Load.Agents;
using WebPeerBridge.Rendezvous;

namespace WebPeerBridge.Load.Tests;

/// <summary>The agent scenario at small scale, in process: every agent joins and every dm round trip completes. Counts only.</summary>
public sealed class AgentsSmokeTests
{
    [Fact]
    public async Task Agents_scenario_starts_every_agent_and_completes_every_dm_round_trip()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = new RendezvousServer(
            Options.Create(new RendezvousOptions { BindAddress = "127.0.0.1", Port = 0, HistoryPath = ":memory:", TrustedAddresses = ["127.0.0.1"] }),
            TimeProvider.System, NullLoggerFactory.Instance);
        await server.StartAsync(ct);
        try
        {
            var endpoint = await server.WaitUntilListeningAsync(ct);
            var log = new StringWriter();

            var result = await new AgentsRunner(new AgentsOptions
            {
                Port = endpoint.Port,
                Count = 6,
                Pairs = 3,
                RoundTrips = 10,
                PeerPortMin = 47100,
                Settle = TimeSpan.Zero,
                Timeout = TimeSpan.FromSeconds(60),
            }, log).RunAsync(ct);

            Assert.True(result.Unavailable is null, result.Unavailable);
            Assert.True(result.Started == 6, log.ToString());
            Assert.Equal(3, result.Pairs);
            Assert.Equal(30, result.RoundTrips);
            Assert.Equal(30, result.DmLatency.Count);
            Assert.Empty(result.Errors);
        }
        finally
        {
            await server.StopAsync(CancellationToken.None);
            server.Dispose();
        }
    }
}
