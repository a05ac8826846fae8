using System.Diagnostics;
using System.Globalization;
using WebPeerBridge.Cli.Tests.Support;
using WebPeerBridge.Peer.Changes;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Peer.Tests.Support;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Cli.Tests;

public sealed class DemoPeerTests : IAsyncLifetime
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
    public async Task Demo_peer_greets_a_newcomer_echoes_direct_messages_and_survives_the_end_of_its_input()
    {
        await using var demo = StartDemo();
        await demo.WaitForLineAsync("* joined as demo");
        await demo.WaitForLineAsync("* demo mode");
        // Run without standard input, as docker does: the end of input must not make it leave.
        demo.CloseInput();

        var alice = await _agents.JoinAsync("alice", _server.Port);
        await Eventually.MessageAsync(() => alice.Broadcast,
            m => m.From == "demo" && m.Text == "Welcome, alice! I'm a demo peer: send me a direct message and I'll echo it.",
            "alice is greeted", alice);

        var sent = await alice.SendDirectAsync("demo", "hello demo", Ct);
        Assert.True(sent.Accepted, sent.Error);
        await Eventually.MessageAsync(() => alice.FindDirect("demo"), m => m.From == "demo" && m.Text == "echo: hello demo", "the echo comes back", alice);
        await Eventually.HoldsAsync(() => alice.FindDirect("demo")!.Snapshot().Any(m => m.Id == sent.MessageId && m.State == DeliveryState.Delivered),
            "the demo peer acknowledged the dm", alice);

        // An echo is never echoed (two demo peers would talk forever); replies keep their order, so by the time the
        // next echo arrives, an echo of the echo would have arrived before it.
        await alice.SendDirectAsync("demo", "echo: not again", Ct);
        await alice.SendDirectAsync("demo", "second", Ct);
        await Eventually.MessageAsync(() => alice.FindDirect("demo"), m => m.From == "demo" && m.Text == "echo: second", "the second echo comes back", alice);
        Assert.DoesNotContain(alice.FindDirect("demo")!.Snapshot(), m => m.From == "demo" && m.Text.Contains("not again", StringComparison.Ordinal));

        var bob = await _agents.JoinAsync("bob", _server.Port);
        await Eventually.MessageAsync(() => bob.Broadcast, m => m.From == "demo" && m.Text.StartsWith("Welcome, bob!", StringComparison.Ordinal),
            "bob is greeted too", bob);
        Assert.Contains(alice.Peers, p => p.Name == "demo");
    }

    [Fact]
    public async Task Demo_peer_leaves_cleanly_on_SIGTERM()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        await using var demo = StartDemo();
        await demo.WaitForLineAsync("* demo mode");
        demo.CloseInput();
        await Eventually.HoldsAsync(() => alice.Peers.Any(p => p.Name == "demo"), "alice lists the demo peer", alice);
        var left = new TaskCompletionSource<PresenceChanged>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var presence = alice.Subscribe(change =>
        {
            if (change is PresenceChanged { Left: [{ Name: "demo" }] } leave)
            {
                left.TrySetResult(leave);
            }
        });

        using (var kill = Process.Start("kill", ["-TERM", demo.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(Ct);
        }

        Assert.Equal(0, await demo.WaitForExitAsync());
        await demo.WaitForLineAsync("* left");
        // A bye, not a lost connection.
        var leave = await left.Task.WaitAsync(Timeouts.Await, Ct);
        Assert.False(leave.Quiet);
        Assert.Equal(LeftReasons.Bye, leave.Reason);
    }

    [Fact]
    public async Task Demo_peer_started_before_its_server_waits_for_it_and_joins()
    {
        // As docker compose starts it: beside a server that is not listening yet.
        await _server.StopAsync();
        await using var demo = StartDemo();
        await demo.WaitForLineAsync("* retrying in");

        await _server.RestartAsync();

        await demo.WaitForLineAsync("* joined as demo");
        await demo.WaitForLineAsync("* demo mode"); // greeting from here on
        var alice = await _agents.JoinAsync("alice", _server.Port);
        await Eventually.MessageAsync(() => alice.Broadcast, m => m.From == "demo" && m.Text.StartsWith("Welcome, alice!", StringComparison.Ordinal),
            "the demo peer greets alice", alice);
    }

    [Fact]
    public void Demo_switch_parses_with_the_compose_files_options()
    {
        var arguments = CliArguments.Parse(
            ["--name", "demo", "--server", "rendezvous:1234", "--demo", "--port-range", "41000-41009", "--advertise-host", "192.168.1.20"], out var error);

        Assert.Null(error);
        Assert.NotNull(arguments);
        Assert.True(arguments.Demo);
        Assert.Equal(("demo", "rendezvous", 1234, 41000, 41009, "192.168.1.20"),
            (arguments.Name, arguments.ServerHost, arguments.ServerPort, arguments.PortMin, arguments.PortMax, arguments.AdvertisedHost));
        Assert.False(CliArguments.Parse(["--name", "bob"], out _)!.Demo);
    }

    [Fact]
    public void Echo_is_cut_to_the_text_limit_between_whole_characters()
    {
        Assert.Equal("echo: hi", DemoPeer.Echo("hi"));

        var echo = DemoPeer.Echo(string.Concat(Enumerable.Repeat("😀", ProtocolLimits.MaxTextLength)));

        Assert.Equal(ProtocolLimits.MaxTextLength, echo.EnumerateRunes().Count());
        Assert.False(char.IsHighSurrogate(echo[^1]));
    }

    private TerminalProcess StartDemo() => TerminalProcess.Start(
        "--name", "demo",
        "--server", $"127.0.0.1:{_server.Port.ToString(CultureInfo.InvariantCulture)}",
        "--port-range", $"{Agents.PortMin}-{Agents.PortMax}",
        "--bind", "127.0.0.1",
        "--demo");
}
