using System.Net;
using System.Net.Sockets;
using WebPeerBridge.Peer.Links;
using WebPeerBridge.Peer.Tests.Support;

namespace WebPeerBridge.Peer.Tests;

/// <summary>A bridge's agents are no port scanner: conn: to an unlisted address stays on the LAN and in the peer port range.</summary>
public sealed class UnlistedDialTests : IAsyncLifetime
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
    public async Task A_restricted_agent_does_not_dial_an_unlisted_port_outside_its_range_and_says_so_the_same_way_for_every_target()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port, o => o.RestrictUnlistedDials = true);
        using var listener = ListenOutsideThePeerRange();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var open = await alice.ConnectAsync("127.0.0.1", port, Ct);
        var closed = await alice.ConnectAsync("127.0.0.1", 1, Ct);

        Assert.Equal(LinkOutcome.Invalid, open.Outcome);
        Assert.False(listener.Pending(), "the agent dialed the port anyway");
        // An open and a closed port get the same answer: it tells nothing about what listens where.
        Assert.Equal(LinkOutcome.Invalid, closed.Outcome);
        Assert.Equal(open.Error!.Replace($"127.0.0.1:{port}", "", StringComparison.Ordinal),
            closed.Error!.Replace(closed.Error!.Split(' ')[0], "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_restricted_agent_still_dials_a_listed_peer_and_a_LAN_address_in_its_range()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port, o => o.RestrictUnlistedDials = true);
        var bob = await _agents.JoinAsync("bob", _server.Port);
        await Eventually.HoldsAsync(() => alice.Peers.Count == 1, "alice lists bob", alice);

        var listed = await alice.ConnectToPeerAsync("bob", Ct);

        Assert.True(listed.Success, listed.Error);
        Assert.True(UnlistedDials.Allowed("127.0.0.1", bob.PeerPort, Agents.PortMin, Agents.PortMax));
    }

    /// <summary>A loopback listener on a port outside the agents' peer port range (an ephemeral port may fall inside it).</summary>
    private static TcpListener ListenOutsideThePeerRange()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            if (((IPEndPoint)listener.LocalEndpoint).Port is < Agents.PortMin or > Agents.PortMax)
            {
                return listener;
            }

            listener.Dispose();
        }

        throw new InvalidOperationException("No free port outside the peer port range.");
    }

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.1.20", true)]
    [InlineData("169.254.10.10", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("fd00::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("2001:db8::1", false)]
    [InlineData("::ffff:192.168.0.1", true)]
    [InlineData("example.org", false)]
    public void Only_LAN_addresses_count(string host, bool lan) =>
        Assert.Equal(lan, UnlistedDials.Allowed(host, 40000, 40000, 40999));
}
