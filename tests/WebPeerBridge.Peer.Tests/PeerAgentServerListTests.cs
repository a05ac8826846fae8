using WebPeerBridge.Peer.Tests.Support;

namespace WebPeerBridge.Peer.Tests;

/// <summary>An agent with a list of rendezvous servers (nodes of one network) moves to the next one when its server fails.</summary>
public sealed class PeerAgentServerListTests : IAsyncDisposable
{
    private readonly Agents _agents = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _agents.DisposeAsync();

    [Fact]
    public async Task Agent_whose_first_server_is_down_joins_through_the_next_one_on_its_list()
    {
        var down = await TestServer.StartAsync();
        var deadPort = down.Port;
        await down.StopAsync();
        await using var up = await TestServer.StartAsync();

        var alice = await _agents.JoinAsync("alice", deadPort, o => o.RendezvousServers = [$"127.0.0.1:{deadPort}", $"127.0.0.1:{up.Port}"]);

        Assert.Equal(RendezvousState.Online, alice.State);
        Assert.Equal(1, up.Server.OnlineCount);
    }

    [Fact]
    public async Task Agent_whose_server_fails_moves_to_the_next_server_and_chats_there()
    {
        await using var first = await TestServer.StartAsync();
        await using var second = await TestServer.StartAsync();
        string[] servers = [$"127.0.0.1:{first.Port}", $"127.0.0.1:{second.Port}"];
        var alice = await _agents.JoinAsync("alice", first.Port, o => o.RendezvousServers = [.. servers]);
        var bob = await _agents.JoinAsync("bob", first.Port, o => o.RendezvousServers = [.. servers]);

        await first.StopAsync();

        await Eventually.HoldsAsync(() => second.Server.OnlineCount == 2 && alice.State == RendezvousState.Online && bob.State == RendezvousState.Online,
            "both moved to the second server", alice, bob);
        var result = await bob.BroadcastAsync("on the second server", Ct);
        Assert.True(result.Accepted, result.Error);
        await Eventually.MessageAsync(() => alice.Broadcast, m => m.Text == "on the second server", "alice shows it", alice);
    }

    [Fact]
    public void A_server_list_entry_that_is_not_host_and_port_fails_validation()
    {
        var options = Agents.Options("alice", 1234);
        options.RendezvousServers = ["127.0.0.1:1234", "no-port"];

        var validation = new PeerAgentOptionsValidator().Validate(null, options);

        Assert.True(validation.Failed);
        Assert.Contains("no-port", validation.FailureMessage, StringComparison.Ordinal);
    }
}
