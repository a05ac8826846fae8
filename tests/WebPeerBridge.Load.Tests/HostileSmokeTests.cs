using WebPeerBridge.Load.Hostile;

namespace WebPeerBridge.Load.Tests;

/// <summary>
/// The hostile scenario at small scale, against the built server, terminal peer and web app as child processes: while
/// one address floods all three, every honest broadcast, dm and page load gets through, and each flood meets its limit.
/// Counts only; the timings are the tool's output, never a test's verdict.
/// </summary>
public sealed class HostileSmokeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Honest_clients_lose_nothing_while_one_address_floods_the_server_the_terminal_peer_and_the_web_app()
    {
        var options = HostileOptions.WithDefaultPaths(new HostileOptions
        {
            HonestClients = 4,
            HonestRate = 10,
            Flood = TimeSpan.FromSeconds(5),
            Settle = TimeSpan.FromSeconds(1),
            Rounds = 1,
            Workers = 4,
            HeldConnections = 20,
            BasePort = 0,
            WorkDirectory = Path.Combine(Path.GetTempPath(), "wpb-hostile-smoke-" + Guid.NewGuid().ToString("N")),
        });
        using var log = new StringWriter();

        var result = await new HostileRunner(options, log).RunAsync(Ct);

        Assert.True(result.BroadcastsExpected > 0);
        Assert.Equal(result.BroadcastsExpected, result.BroadcastsDelivered);
        Assert.Equal(0, result.BroadcastsOutOfOrder);
        Assert.Equal(0, result.HonestDropped);
        Assert.True(result.DirectRoundTrip.Count > 0 && result.DirectFailures == 0, $"dm peer: {result.DirectError}");
        Assert.True(result.PageLoad.Count > 0 && result.PagesRefused == 0, $"{result.PagesRefused} honest page loads refused");
        Assert.All(result.Floods, flood => Assert.True(flood.Attempts > 0, $"{flood.What} against the {flood.Target} ran"));
        Assert.All(result.Floods.Where(f => f.What.StartsWith("seed registrations", StringComparison.Ordinal)
                || f.What.StartsWith("to_peer:", StringComparison.Ordinal) || f.What.StartsWith("page loads", StringComparison.Ordinal)),
            flood => Assert.True(flood.Refused > 0, $"{flood.What} against the {flood.Target} met its limit"));
        Directory.Delete(options.WorkDirectory, recursive: true);
    }
}
