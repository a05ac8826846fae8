using System.Net;
using System.Net.Sockets;
using WebPeerBridge.Peer.Tests.Support;

namespace WebPeerBridge.Peer.Tests;

public sealed class PeerAgentDisposeTests : IAsyncLifetime
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
    public async Task Dispose_frees_the_peer_port_and_closes_the_server_link_and_every_direct_link()
    {
        var alice = new PeerAgent(OwnPortOptions("alice"));
        var joined = await alice.StartAsync(Ct);
        Assert.True(joined.Success, joined.Message);
        var bob = await _agents.JoinAsync("bob", _server.Port);
        await Eventually.HoldsAsync(() => alice.Peers.Count == 1, "alice lists bob", alice);
        var linked = await alice.ConnectToPeerAsync("bob", Ct);
        Assert.True(linked.Success, linked.Error);
        var port = alice.PeerPort;

        await alice.DisposeAsync().AsTask().WaitAsync(Timeouts.Await, Ct);

        Assert.Equal(RendezvousState.Closed, alice.State);
        await Eventually.HoldsAsync(() => bob.Peers.Count == 0 && bob.GetLinkState("alice") == DirectLinkState.Closed,
            "bob sees alice leave and her link close", bob);
        Assert.Equal(1, _server.Server.OnlineCount);
        using var reuse = new TcpListener(IPAddress.Loopback, port);
        reuse.Start(); // throws if alice's listener still held the port
        await alice.DisposeAsync(); // a second dispose does nothing
    }

    [Fact]
    public async Task Dispose_while_reconnecting_stops_promptly()
    {
        var alice = new PeerAgent(OwnPortOptions("alice"));
        var joined = await alice.StartAsync(Ct);
        Assert.True(joined.Success, joined.Message);
        await _server.StopAsync();
        await Eventually.HoldsAsync(() => alice.State == RendezvousState.Reconnecting, "alice is reconnecting", alice);
        var port = alice.PeerPort;

        await alice.DisposeAsync().AsTask().WaitAsync(Timeouts.Await, Ct);

        Assert.Equal(RendezvousState.Closed, alice.State);
        using var reuse = new TcpListener(IPAddress.Loopback, port);
        reuse.Start();
    }

    [Fact]
    public async Task Operations_after_leaving_are_refused_with_a_reason()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);

        var leave = await alice.ExecuteAsync("close", Ct);

        Assert.True(leave.Success);
        Assert.Equal(RendezvousState.Closed, alice.State);
        var sent = await alice.BroadcastAsync("anyone?", Ct);
        Assert.False(sent.Accepted);
        Assert.Contains("left", sent.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_of_an_agent_never_started_completes()
    {
        var agent = new PeerAgent(Agents.Options("alice", _server.Port));

        await agent.DisposeAsync().AsTask().WaitAsync(Timeouts.Await, Ct);

        Assert.Equal(0, agent.PeerPort);
    }

    /// <summary>A port range of one port that no other test's agent takes, so that the test can bind it again after dispose.</summary>
    private PeerAgentOptions OwnPortOptions(string name)
    {
        var options = Agents.Options(name, _server.Port);
        options.PeerPortMin = options.PeerPortMax = RawClient.ClosedPort();
        return options;
    }
}
