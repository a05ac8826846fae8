using System.Net;
using System.Net.Sockets;
using WebPeerBridge.Peer.Tests.Support;
using WebPeerBridge.Protocol;

namespace WebPeerBridge.Peer.Tests;

public sealed class PeerAgentJoinTests : IAsyncLifetime
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
    public async Task Taken_name_is_refused_as_name_taken_ignoring_case()
    {
        await _agents.JoinAsync("alice", _server.Port);
        var second = _agents.Create(Agents.Options("ALICE", _server.Port));

        var result = await second.StartAsync(Ct).WaitAsync(Timeouts.Await, Ct);

        Assert.Equal((false, ErrorCodes.NameTaken), (result.Success, result.ErrorCode));
        Assert.Contains("taken", result.Message, StringComparison.Ordinal);
        Assert.Equal(RendezvousState.Closed, second.State);
        Assert.Equal(0, second.PeerPort);
    }

    [Fact]
    public async Task Invalid_name_is_refused_before_connecting()
    {
        var agent = _agents.Create(Agents.Options("no spaces please", _server.Port));

        var result = await agent.StartAsync(Ct);

        Assert.Equal((false, ErrorCodes.InvalidName), (result.Success, result.ErrorCode));
        Assert.Equal(RendezvousState.Closed, agent.State);
        Assert.Equal(0, _server.Server.OnlineCount);
    }

    [Fact]
    public async Task Exhausted_port_range_is_a_clear_join_error()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var options = Agents.Options("alice", _server.Port);
        options.PeerPortMin = options.PeerPortMax = port;
        var agent = _agents.Create(options);

        var result = await agent.StartAsync(Ct);

        Assert.Equal((false, JoinErrors.PortRangeExhausted), (result.Success, result.ErrorCode));
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Message, StringComparison.Ordinal);
        Assert.Equal(RendezvousState.Closed, agent.State);
        Assert.Equal(0, _server.Server.OnlineCount);
    }

    [Fact]
    public async Task Listener_takes_the_next_port_when_the_first_is_taken()
    {
        var (taken, port) = TakePortWithFreeSuccessor();
        using var _ = taken;

        var alice = await _agents.JoinAsync("alice", _server.Port, o => (o.PeerPortMin, o.PeerPortMax) = (port, port + 1));

        Assert.Equal(port + 1, alice.PeerPort);
    }

    [Fact]
    public async Task Starting_twice_is_a_programming_error()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);

        await Assert.ThrowsAsync<InvalidOperationException>(() => alice.StartAsync(Ct));
    }

    /// <summary>A listener on some port P whose next port P + 1 is free.</summary>
    private static (TcpListener Taken, int Port) TakePortWithFreeSuccessor()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var taken = new TcpListener(IPAddress.Loopback, 0);
            taken.Start();
            var port = ((IPEndPoint)taken.LocalEndpoint).Port;
            var next = new TcpListener(IPAddress.Loopback, port + 1);
            try
            {
                next.Start();
                next.Stop();
                return (taken, port);
            }
            catch (SocketException)
            {
                taken.Stop();
            }
            finally
            {
                next.Dispose();
            }
        }

        throw new InvalidOperationException("No free pair of ports on loopback.");
    }
}
