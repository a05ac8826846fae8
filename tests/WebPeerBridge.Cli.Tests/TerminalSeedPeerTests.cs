using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using WebPeerBridge.Cli.Tests.Support;
using WebPeerBridge.Peer.Tests.Support;

namespace WebPeerBridge.Cli.Tests;

/// <summary>The terminal peer with a classic (seed) client listed by the server.</summary>
public sealed class TerminalSeedPeerTests : IAsyncLifetime
{
    private readonly TcpListener _seedListener = new(IPAddress.Loopback, 0);
    private FakeRendezvous _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _seedListener.Start();
        var port = ((IPEndPoint)_seedListener.LocalEndpoint).Port;
        _server = new FakeRendezvous($$"""[{"name":"zoe","host":"127.0.0.1","port":{{port}},"since":"2026-01-01T00:00:00Z","protocol":"seed"}]""");
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _seedListener.Dispose();
    }

    [Fact]
    public async Task Msg_to_a_classic_client_goes_out_as_raw_to_peer_and_shows_sent()
    {
        await using var bob = TerminalProcess.Start("--name", "bob", "--server", $"127.0.0.1:{_server.Port.ToString(CultureInfo.InvariantCulture)}",
            "--port-range", $"{Agents.PortMin}-{Agents.PortMax}", "--bind", "127.0.0.1");
        await bob.WaitForLineAsync("* joined as bob");

        await bob.WriteLineAsync("/peers");
        await bob.WaitForLineAsync("(classic client)");

        await bob.WriteLineAsync("/msg zoe hi zoë");
        var line = await bob.WaitForLineAsync("[dm to zoe] <bob> hi zoë");
        await bob.WaitForLineAsync($"→ sent {line[(line.LastIndexOf('(') + 1)..^1]}");
        using var seed = await _seedListener.AcceptSocketAsync(Ct).AsTask().WaitAsync(Timeouts.Await, Ct);
        var buffer = new byte[2048];
        var read = await seed.ReceiveAsync(buffer, Ct).AsTask().WaitAsync(Timeouts.Await, Ct);
        Assert.Equal("to_peer:hi zoë", Encoding.UTF8.GetString(buffer, 0, read));

        await seed.SendAsync("to_peer:hello from tkinter"u8.ToArray(), Ct);
        await bob.WaitForLineAsync("[dm] <zoe> hello from tkinter");

        Assert.Equal(0, await bob.CloseInputAndWaitAsync());
    }
}
