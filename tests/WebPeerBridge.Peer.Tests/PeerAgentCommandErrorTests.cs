using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Peer.Tests.Support;

namespace WebPeerBridge.Peer.Tests;

/// <summary>Each mistake gets a clear error, and the agent keeps working afterwards.</summary>
public sealed class PeerAgentCommandErrorTests : IAsyncLifetime
{
    private readonly Agents _agents = new();
    private TestServer _server = null!;
    private PeerAgent _alice = null!;
    private PeerAgent _bob = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _alice = await _agents.JoinAsync("alice", _server.Port);
        _bob = await _agents.JoinAsync("bob", _server.Port);
        await Eventually.HoldsAsync(() => _alice.Peers.Count == 1, "alice lists bob", _alice);
    }

    public async ValueTask DisposeAsync()
    {
        await _agents.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("conn:", "host and port")]
    [InlineData("conn:127.0.0.1", "host and port")]
    [InlineData("conn:127.0.0.1:99999", "not a port")]
    [InlineData("conn:127.0.0.1:http", "not a port")]
    [InlineData("conn:bad host:80", "not a host")]
    public async Task Malformed_conn_is_a_clear_error_and_the_agent_keeps_working(string input, string expected)
    {
        var result = await _alice.ExecuteAsync(input, Ct);

        Assert.False(result.Success);
        Assert.Contains(expected, result.Message, StringComparison.Ordinal);
        Assert.Contains("conn:<host>:<port>", result.Message, StringComparison.Ordinal);
        await AssertStillWorksAsync();
    }

    [Fact]
    public async Task Conn_to_a_closed_port_is_a_clear_error_and_the_agent_keeps_working()
    {
        var port = RawClient.ClosedPort();

        var result = await _alice.ExecuteAsync($"conn:127.0.0.1:{port}", Ct);

        Assert.False(result.Success);
        Assert.Contains($"nothing listens on 127.0.0.1:{port}", result.Message, StringComparison.Ordinal);
        Assert.Null(_alice.CurrentPeer);
        await AssertStillWorksAsync();
    }

    [Fact]
    public async Task Unknown_peer_name_is_a_clear_error_and_the_agent_keeps_working()
    {
        var result = await _alice.ExecuteAsync("/msg nobody hello?", Ct);

        Assert.False(result.Success);
        Assert.Contains("No peer named 'nobody'", result.Message, StringComparison.Ordinal);
        Assert.Null(_alice.FindDirect("nobody"));
        var link = await _alice.ConnectToPeerAsync("nobody", Ct);
        Assert.False(link.Success);
        await AssertStillWorksAsync();
    }

    [Fact]
    public async Task To_peer_without_any_link_says_how_to_open_one()
    {
        var result = await _alice.ExecuteAsync("to_peer:hello", Ct);

        Assert.False(result.Success);
        Assert.Contains("conn:", result.Message, StringComparison.Ordinal);
        await AssertStillWorksAsync();
    }

    [Fact]
    public async Task Conn_to_own_listener_is_refused()
    {
        var result = await _alice.ExecuteAsync($"conn:127.0.0.1:{_alice.PeerPort}", Ct);

        Assert.False(result.Success);
        Assert.Contains("own listener", result.Message, StringComparison.Ordinal);
        await AssertStillWorksAsync();
    }

    [Fact]
    public async Task Peers_command_lists_everyone_with_host_and_port()
    {
        var result = await _alice.ExecuteAsync("/peers", Ct);

        Assert.True(result.Success);
        Assert.Contains($"bob  127.0.0.1:{_bob.PeerPort}", result.Message, StringComparison.Ordinal);
    }

    private async Task AssertStillWorksAsync()
    {
        var broadcast = await _alice.BroadcastAsync("still here", Ct);
        var direct = await _alice.SendDirectAsync("bob", "still linked", Ct);
        await Eventually.HoldsAsync(() =>
                _alice.Broadcast.Snapshot().Any(m => m.Id == broadcast.MessageId && m.State == DeliveryState.Delivered)
                && _alice.FindDirect("bob")?.Snapshot().Any(m => m.Id == direct.MessageId && m.State == DeliveryState.Delivered) == true,
            "a broadcast and a dm are delivered", _alice);
    }
}
