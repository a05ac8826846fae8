using Microsoft.Extensions.DependencyInjection;
using WebPeerBridge.Peer;
using WebPeerBridge.Web.Hosting;

namespace WebPeerBridge.Web.Tests.Hosting;

/// <summary>The Bridge section's agent settings: each reaches every session's agent under its own name, with the agent's defaults.</summary>
public sealed class BridgeSettingsTests
{
    [Fact]
    public async Task Bridge_settings_reach_every_agent_under_the_agents_names_and_the_rest_keep_the_agents_defaults()
    {
        await using var app = new BridgeAppFactory(new Dictionary<string, string?>
        {
            ["Bridge:MaxSilentLinks"] = "7",
            ["Bridge:MaxLinks"] = "9",
            ["Bridge:HistoryCapPerConversation"] = "50",
            ["Bridge:LinkIdleTimeout"] = "00:03:00",
            ["Bridge:AckTimeout"] = "00:00:01", // not a bridge setting: the agent's default stays
        });
        using var client = app.CreateClient();

        await using var agent = app.Services.GetRequiredService<PeerAgentFactory>().Create("alice", new RendezvousEndpoint("127.0.0.1", 1234));

        var defaults = new PeerAgentOptions();
        Assert.Equal((7, 9, 50, TimeSpan.FromMinutes(3)),
            (agent.Options.MaxSilentLinks, agent.Options.MaxLinks, agent.Options.HistoryCapPerConversation, agent.Options.LinkIdleTimeout));
        Assert.Equal(defaults.AckTimeout, agent.Options.AckTimeout);
        Assert.Equal(defaults.MaxDirectConversations, agent.Options.MaxDirectConversations);
        Assert.Equal(defaults.MentionListCapacity, agent.Options.MentionListCapacity);
        Assert.Equal("127.0.0.1", agent.Options.BindAddress);
        Assert.Equal("alice", agent.Options.Name);
        Assert.True(agent.Options.RestrictUnlistedDials);
    }

    [Fact]
    public async Task Two_agents_do_not_share_their_options()
    {
        await using var app = new BridgeAppFactory();
        using var client = app.CreateClient();
        var factory = app.Services.GetRequiredService<PeerAgentFactory>();

        await using var alice = factory.Create("alice", new RendezvousEndpoint("127.0.0.1", 1234, ["r1:1234"]));
        await using var bob = factory.Create("bob", new RendezvousEndpoint("127.0.0.1", 1234));

        Assert.Equal(("alice", "bob"), (alice.Options.Name, bob.Options.Name));
        Assert.Equal(["r1:1234"], alice.Options.RendezvousServers);
        Assert.Empty(bob.Options.RendezvousServers);
    }

    [Fact]
    public async Task The_agents_share_one_pool_of_peers_of_the_bridges_size()
    {
        await using var app = new BridgeAppFactory(new Dictionary<string, string?> { ["Bridge:SharedPeers"] = "5000" });
        using var client = app.CreateClient();
        var factory = app.Services.GetRequiredService<PeerAgentFactory>();

        await using var alice = factory.Create("alice", new RendezvousEndpoint("127.0.0.1", 1234));
        await using var bob = factory.Create("bob", new RendezvousEndpoint("127.0.0.1", 1234));

        Assert.Same(alice.Options.PeerPool, bob.Options.PeerPool);
        Assert.Equal(5000, alice.Options.PeerPool?.Capacity);
    }

    [Fact]
    public async Task A_pool_of_no_peers_stops_the_app_at_start_naming_the_setting()
    {
        await using var app = new BridgeAppFactory(new Dictionary<string, string?> { ["Bridge:SharedPeers"] = "0" });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("SharedPeers", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bridge:MaxSilentLinks", "0")]
    [InlineData("Bridge:MaxLinks", "0")]
    [InlineData("Bridge:HistoryCapPerConversation", "1")]
    public async Task An_agent_setting_out_of_range_stops_the_app_at_start_naming_it(string key, string value)
    {
        await using var app = new BridgeAppFactory(new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains(key, error.ToString(), StringComparison.Ordinal);
    }
}
