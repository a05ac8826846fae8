using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebPeerBridge.Peer;
using WebPeerBridge.Rendezvous;
using WebPeerBridge.Rendezvous.Tests.Support;
using WebPeerBridge.Web.Hosting;
using WebPeerBridge.Web.Sessions;

namespace WebPeerBridge.Web.Tests.Support;

/// <summary>
/// A real rendezvous server on loopback, the bridge's session registry pointed at it, and other people (plain peer
/// agents) to chat with. Everything is stopped by <see cref="DisposeAsync"/>.
/// </summary>
internal sealed class TestNetwork : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly List<PeerAgent> _people = [];
    private readonly List<Socket> _sockets = [];
    private RendezvousServer? _server;

    private TestNetwork(int port, SessionRegistry registry, BridgeOptions options)
    {
        Port = port;
        Registry = registry;
        Options = options;
    }

    /// <summary>The rendezvous server's port.</summary>
    public int Port { get; }

    public SessionRegistry Registry { get; }

    public BridgeOptions Options { get; }

    public static async Task<TestNetwork> StartAsync(CancellationToken cancellationToken, int maxAgents = 200, TimeProvider? sessionTime = null,
        SessionStore? store = null, Action<BridgeOptions>? configure = null, ILogger<SessionRegistry>? logger = null)
    {
        var server = new RendezvousServer(
            Microsoft.Extensions.Options.Options.Create(new RendezvousOptions { BindAddress = "127.0.0.1", Port = 0, HistoryPath = ":memory:", TrustedAddresses = ["127.0.0.1"] }),
            TimeProvider.System, NullLoggerFactory.Instance);
        await server.StartAsync(cancellationToken);
        var endpoint = await server.WaitUntilListeningAsync(cancellationToken).WaitAsync(Timeout, cancellationToken);
        var network = CreateRegistry(endpoint.Port, maxAgents, sessionTime, store, configure, logger);
        network._server = server;
        return network;
    }

    /// <summary>A registry whose rendezvous server is <paramref name="port"/> (nothing may listen there).</summary>
    public static TestNetwork CreateRegistry(int port, int maxAgents = 200, TimeProvider? sessionTime = null, SessionStore? store = null,
        Action<BridgeOptions>? configure = null, ILogger<SessionRegistry>? logger = null)
    {
        var bridge = new BridgeOptions
        {
            Agent = { BindAddress = "127.0.0.1", PeerPortMin = 42000, PeerPortMax = 42999 },
            MaxAgents = maxAgents,
            GracePeriod = TimeSpan.FromMinutes(2),
            JoinTimeout = TimeSpan.FromSeconds(10),
        };
        configure?.Invoke(bridge);
        var options = Microsoft.Extensions.Options.Options.Create(bridge);
        var target = new RendezvousTarget(
            Microsoft.Extensions.Options.Options.Create(new RendezvousClientOptions { Host = "127.0.0.1", Port = port }),
            new ServiceCollection().BuildServiceProvider());
        var factory = new PeerAgentFactory(options, NullLoggerFactory.Instance, TimeProvider.System);
        var registry = new SessionRegistry(factory, target, options, sessionTime ?? TimeProvider.System, TimeProvider.System,
            logger ?? NullLogger<SessionRegistry>.Instance, store);
        return new TestNetwork(port, registry, bridge);
    }

    /// <summary>A port nothing listens on, which none of the tests' port-0 sockets can take meanwhile.</summary>
    public static int FreePort() => LoopbackPorts.Restartable();

    /// <summary>Another person on the network: a peer agent of their own, joined.</summary>
    public async Task<PeerAgent> JoinPersonAsync(string name, CancellationToken cancellationToken)
    {
        var agent = new PeerAgent(new PeerAgentOptions
        {
            Name = name,
            RendezvousHost = "127.0.0.1",
            RendezvousPort = Port,
            BindAddress = "127.0.0.1",
            PeerPortMin = 43000,
            PeerPortMax = 43999,
        }, NullLoggerFactory.Instance, TimeProvider.System);
        _people.Add(agent);
        var result = await agent.StartAsync(cancellationToken).WaitAsync(Timeout, cancellationToken);
        Assert.True(result.Success, $"{name} could not join: {result.ErrorCode} {result.Message}");
        return agent;
    }

    /// <summary>A classic (seed) client registering as <paramref name="name"/>, as the Python client does.</summary>
    public async Task<Socket> JoinClassicClientAsync(string name, int peerPort, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _sockets.Add(socket);
        await socket.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
        await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes($"{name};peer_port={peerPort}"), SocketFlags.None, cancellationToken);
        return socket;
    }

    /// <summary>An older v1 peer that registers without a key (its links cannot be verified); disposing it leaves.</summary>
    public async Task<Socket> JoinKeylessPeerAsync(string name, int peerPort, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _sockets.Add(socket);
        await socket.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
        await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes($$"""{"type":"hello","version":1,"name":"{{name}}","peerPort":{{peerPort}}}""" + "\n"),
            SocketFlags.None, cancellationToken);
        return socket;
    }

    /// <summary>Stops the rendezvous server (agents start reconnecting).</summary>
    public async Task StopServerAsync(CancellationToken cancellationToken)
    {
        if (_server is { } server)
        {
            _server = null;
            await server.StopAsync(cancellationToken);
            server.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Registry.DisposeAsync();
        foreach (var person in _people)
        {
            await person.DisposeAsync();
        }

        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        await StopServerAsync(CancellationToken.None);
    }
}
