using WebPeerBridge.Peer.Conversations;

namespace WebPeerBridge.Peer.Tests.Support;

/// <summary>Agents for tests: loopback only, small timeouts, disposed with the test.</summary>
public sealed class Agents : IAsyncDisposable
{
    /// <summary>A range far from the default, so tests do not take the ports a developer's peers use.</summary>
    public const int PortMin = 42000;

    public const int PortMax = 42999;

    private readonly List<PeerAgent> _agents = [];

    public static PeerAgentOptions Options(string name, int serverPort) => new()
    {
        Name = name,
        RendezvousHost = "127.0.0.1",
        RendezvousPort = serverPort,
        BindAddress = "127.0.0.1",
        PeerPortMin = PortMin,
        PeerPortMax = PortMax,
        ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        AckTimeout = TimeSpan.FromSeconds(10),
    };

    public PeerAgent Create(PeerAgentOptions options)
    {
        var agent = new PeerAgent(options);
        _agents.Add(agent);
        return agent;
    }

    /// <summary>Creates and starts an agent; fails the test if it cannot join.</summary>
    public async Task<PeerAgent> JoinAsync(string name, int serverPort, Action<PeerAgentOptions>? configure = null)
    {
        var options = Options(name, serverPort);
        configure?.Invoke(options);
        var agent = Create(options);
        var result = await agent.StartAsync(TestContext.Current.CancellationToken).WaitAsync(Timeouts.Await, TestContext.Current.CancellationToken);
        Assert.True(result.Success, $"{name} could not join: {result.ErrorCode} {result.Message}");
        return agent;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }
    }
}
