using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebPeerBridge.Load.Fanout;
using WebPeerBridge.Load.Relay;
using WebPeerBridge.Rendezvous;

namespace WebPeerBridge.Load.Tests;

/// <summary>
/// The fan-out scenario at small scale, in process: every broadcast must reach every receiver once and in order.
/// Counts only; the load tool's timings are its output, never a test's verdict.
/// </summary>
public sealed class FanoutSmokeTests
{
    private const int Clients = 20;
    private const int Senders = 2;
    private const int Messages = 20;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fanout_delivers_every_broadcast_to_every_client_of_the_rendezvous_server()
    {
        var server = new RendezvousServer(
            Options.Create(new RendezvousOptions { BindAddress = "127.0.0.1", Port = 0, HistoryPath = ":memory:", TrustedAddresses = ["127.0.0.1"] }),
            TimeProvider.System, NullLoggerFactory.Instance);
        await server.StartAsync(Ct);
        try
        {
            var endpoint = await server.WaitUntilListeningAsync(Ct);

            var (result, log) = await RunAsync(TargetKind.Wpb, endpoint);

            AssertEveryBroadcastReachedEveryClient(result, expectedPerPhase: Clients * Senders * Messages, log);
        }
        finally
        {
            await server.StopAsync(CancellationToken.None);
            server.Dispose();
        }
    }

    [Fact]
    public async Task Fanout_delivers_every_broadcast_to_every_client_of_the_raw_relay()
    {
        await using var relay = new RawRelayServer();
        var endpoint = relay.Start(new IPEndPoint(IPAddress.Loopback, 0));

        var (result, log) = await RunAsync(TargetKind.Relay, endpoint);

        AssertEveryBroadcastReachedEveryClient(result, expectedPerPhase: Clients * Senders * Messages, log);
    }

    private static async Task<(FanoutResult Result, string Log)> RunAsync(TargetKind target, IPEndPoint endpoint)
    {
        var options = new FanoutOptions
        {
            Target = target,
            Host = endpoint.Address.ToString(),
            Port = endpoint.Port,
            Clients = Clients,
            Senders = Senders,
            Messages = Messages,
            // One closed-loop phase and one paced phase: both ways of sending.
            Rates = [0, 400],
            Window = 8,
            WarmupMessages = 5,
            Settle = TimeSpan.Zero,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var log = new StringWriter();
        var result = await new FanoutRunner(options, log).RunAsync(Ct);
        return (result, log.ToString());
    }

    private static void AssertEveryBroadcastReachedEveryClient(FanoutResult result, int expectedPerPhase, string log)
    {
        Assert.True(result.ReadyClients == Clients, log);
        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Phases.Count);
        foreach (var phase in result.Phases)
        {
            Assert.Equal(Senders * Messages, phase.Sent);
            Assert.Equal(expectedPerPhase, phase.Expected);
            Assert.Equal(expectedPerPhase, phase.Delivered);
            Assert.Equal(Clients, phase.CompleteReceivers);
            Assert.Equal(0, phase.OutOfOrder);
            Assert.False(phase.Stalled, log);
            Assert.Equal(expectedPerPhase, phase.Latency.Count);
        }
    }
}
