using System.Globalization;
using WebPeerBridge.Cli.Tests.Support;
using WebPeerBridge.Peer;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Peer.Tests.Support;

namespace WebPeerBridge.Cli.Tests;

public sealed class TerminalPeerTests : IAsyncLifetime
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
    public async Task Terminal_peer_joins_broadcasts_and_messages_an_agent_through_piped_stdin_and_stdout()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        await using var bob = StartTerminal("bob");

        var joined = await bob.WaitForLineAsync("* joined as bob");
        Assert.Contains("alice (127.0.0.1:", joined, StringComparison.Ordinal);
        await Eventually.HoldsAsync(() => alice.Peers.Any(p => p.Name == "bob"), "alice lists bob", alice);
        var bobPort = alice.Peers.Single().Port;
        Assert.Contains($"(127.0.0.1:{bobPort})", joined, StringComparison.Ordinal);

        // Broadcast from the terminal: alice gets it, the terminal sees it delivered.
        await bob.WriteLineAsync("hello from the terminal");
        var echo = await bob.WaitForLineAsync("<bob> hello from the terminal");
        var broadcastId = echo[(echo.LastIndexOf('(') + 1)..^1];
        await bob.WaitForLineAsync($"✓ delivered {broadcastId}");
        await Eventually.MessageAsync(() => alice.Broadcast, m => m.From == "bob" && m.Text == "hello from the terminal", "alice gets it", alice);

        // Broadcast from the agent reaches the terminal as one line with time and sender.
        await alice.BroadcastAsync("hi terminal", Ct);
        var received = await bob.WaitForLineAsync("<alice> hi terminal");
        Assert.Matches(@"^\[\d\d:\d\d:\d\d\] <alice> hi terminal$", received);

        // A direct message from the terminal to the agent, delivered.
        await bob.WriteLineAsync("/msg alice psst");
        var dm = await bob.WaitForLineAsync("[dm to alice] <bob> psst");
        await bob.WaitForLineAsync("* Link opened with alice");
        await bob.WaitForLineAsync($"✓ delivered {dm[(dm.LastIndexOf('(') + 1)..^1]}");
        await Eventually.MessageAsync(() => alice.FindDirect("bob"), m => m.Text == "psst", "alice gets the dm", alice);

        // And back: the agent answers on the same link.
        var answer = await alice.SendDirectAsync("bob", "psst yourself", Ct);
        Assert.True(answer.Accepted, answer.Error);
        await bob.WaitForLineAsync("[dm] <alice> psst yourself");
        await Eventually.HoldsAsync(() => alice.FindDirect("bob")!.Snapshot().Any(m => m.Id == answer.MessageId && m.State == DeliveryState.Delivered),
            "the terminal acknowledged alice's dm", alice);

        await bob.WriteLineAsync("to_peer:the seed's way");
        await Eventually.MessageAsync(() => alice.FindDirect("bob"), m => m.Text == "the seed's way", "to_peer reaches alice", alice);

        await bob.WriteLineAsync("/peers");
        await bob.WaitForLineAsync($"  alice  127.0.0.1:{alice.PeerPort}  [linked]");

        // End of input: the terminal peer leaves and exits with 0.
        Assert.Equal(0, await bob.CloseInputAndWaitAsync());
        await Eventually.HoldsAsync(() => alice.Peers.Count == 0, "bob left", alice);
    }

    [Fact]
    public async Task Terminal_peer_prints_joins_leaves_and_clear_errors()
    {
        await using var bob = StartTerminal("bob");
        await bob.WaitForLineAsync(line => line.StartsWith("* joined as bob (", StringComparison.Ordinal) && line.Contains("nobody else is online", StringComparison.Ordinal), "bob joined alone");

        var carol = await _agents.JoinAsync("carol", _server.Port);
        await bob.WaitForLineAsync($"* carol joined (127.0.0.1:{carol.PeerPort})");

        await bob.WriteLineAsync("/msg nobody hi");
        await bob.WaitForLineAsync("! No peer named 'nobody' is online.");
        await bob.WriteLineAsync("conn:nowhere");
        await bob.WaitForLineAsync("! 'conn:nowhere' has no host and port.");
        await bob.WriteLineAsync("/dance");
        await bob.WaitForLineAsync("! Unknown command /dance.");

        await carol.LeaveAsync(Ct);
        await bob.WaitForLineAsync("* carol left");

        await bob.WriteLineAsync("/quit");
        Assert.Equal(0, await bob.WaitForExitAsync());
        await bob.WaitForLineAsync("* left");
    }

    [Fact]
    public async Task Terminal_peer_marks_a_peer_without_a_key_unverified_and_a_keyed_one_not()
    {
        await using var bob = StartTerminal("bob");
        await bob.WaitForLineAsync(line => line.StartsWith("* joined as bob (", StringComparison.Ordinal), "bob joined");
        var carol = await _agents.JoinAsync("carol", _server.Port);
        await using var old = await RawClient.JoinAsync(_server.Port, "old", RawClient.ClosedPort());
        await bob.WaitForLineAsync(line => line.StartsWith("* old joined", StringComparison.Ordinal), "old joined");

        await bob.WriteLineAsync("/peers");

        await bob.WaitForLineAsync(line => line.Contains($"carol  127.0.0.1:{carol.PeerPort}", StringComparison.Ordinal)
            && !line.Contains("unverified", StringComparison.Ordinal), "carol is listed without a mark");
        await bob.WaitForLineAsync(line => line.Contains("old", StringComparison.Ordinal) && line.EndsWith("(unverified)", StringComparison.Ordinal),
            "old is listed unverified");
        await bob.WriteLineAsync("/quit");
        Assert.Equal(0, await bob.WaitForExitAsync());
    }

    [Fact]
    public async Task Terminal_peer_with_a_taken_name_says_why_and_exits_with_1()
    {
        await _agents.JoinAsync("bob", _server.Port);
        await using var bob = StartTerminal("bob");

        Assert.Equal(1, await bob.WaitForExitAsync());
        await bob.WaitForLineAsync("! could not join: The name 'bob' is taken. (name_taken)");
    }

    [Fact]
    public async Task Terminal_peer_without_a_name_prints_its_usage_and_exits_with_2()
    {
        await using var process = TerminalProcess.Start("--server", "127.0.0.1:1");

        Assert.Equal(2, await process.WaitForExitAsync());
        Assert.Contains("--name is required.", process.Errors, StringComparison.Ordinal);
    }

    private TerminalProcess StartTerminal(string name) => TerminalProcess.Start(
        "--name", name,
        "--server", $"127.0.0.1:{_server.Port.ToString(CultureInfo.InvariantCulture)}",
        "--port-range", $"{Agents.PortMin}-{Agents.PortMax}",
        "--bind", "127.0.0.1");
}
