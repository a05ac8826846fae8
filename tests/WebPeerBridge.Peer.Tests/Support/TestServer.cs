using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebPeerBridge.Rendezvous;
using WebPeerBridge.Rendezvous.Tests.Support;

namespace WebPeerBridge.Peer.Tests.Support;

/// <summary>A real rendezvous server on loopback; <see cref="RestartAsync"/> brings it back on the same port and history.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private RendezvousServer? _server;

    private TestServer(string historyPath) => HistoryPath = historyPath;

    public string HistoryPath { get; }

    public int Port { get; private set; }

    public RendezvousServer Server => _server ?? throw new InvalidOperationException("Stopped.");

    public static async Task<TestServer> StartAsync(string historyPath = ":memory:", int port = 0)
    {
        var server = new TestServer(historyPath);
        // A port no port-0 socket can take while the server is down between a stop and a restart.
        await server.StartOnAsync(port == 0 ? LoopbackPorts.Restartable() : port);
        return server;
    }

    public async Task StopAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            await server.StopAsync(TestContext.Current.CancellationToken);
            server.Dispose();
        }
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartOnAsync(Port);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task StartOnAsync(int port)
    {
        var options = new RendezvousOptions { BindAddress = "127.0.0.1", Port = port, HistoryPath = HistoryPath, SweepInterval = TimeSpan.FromMilliseconds(100),
            TrustedAddresses = ["127.0.0.1"] }; // every test client comes from this machine
        var server = new RendezvousServer(Options.Create(options), TimeProvider.System, NullLoggerFactory.Instance);
        await server.StartAsync(TestContext.Current.CancellationToken);
        IPEndPoint endpoint = await server.WaitUntilListeningAsync(TestContext.Current.CancellationToken).WaitAsync(Timeouts.Await);
        Port = endpoint.Port;
        _server = server;
    }
}
