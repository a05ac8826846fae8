using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Rendezvous.Cluster;
using WebPeerBridge.Rendezvous.Tests.Support;

namespace WebPeerBridge.Rendezvous.Tests.Cluster;

/// <summary>Rendezvous nodes on one NATS server, and reading what their clients get.</summary>
internal static class ClusterNodes
{
    /// <summary>A node in this process (a real <see cref="RendezvousServer"/> on a free port) with its stores in <paramref name="nats"/>.</summary>
    public static Task<TestServer> StartAsync(NatsServer nats, string nodeId, CancellationToken cancellationToken,
        Action<RendezvousOptions>? configure = null, TimeProvider? time = null) =>
        TestServer.StartAsync(cancellationToken, options =>
        {
            options.Nats.Url = nats.Url;
            options.Nats.NodeId = nodeId;
            configure?.Invoke(options);
        }, time);

    /// <summary>
    /// The cluster stores of one node without a server around them (<see cref="NatsCluster"/> connected, stream and buckets
    /// created), for tests of one store; logs to the test's output. Dispose it (it closes the NATS connection).
    /// </summary>
    public static async Task<NatsCluster> ConnectAsync(NatsServer nats, string nodeId, CancellationToken cancellationToken,
        TimeProvider? time = null, Action<RendezvousOptions>? configure = null)
    {
        var options = new RendezvousOptions { HistoryPath = ":memory:" };
        options.Nats.Url = nats.Url;
        options.Nats.NodeId = nodeId;
        configure?.Invoke(options);
        var validation = new RendezvousOptionsValidator().Validate(null, options);
        Assert.True(validation.Succeeded, validation.FailureMessage);
        var output = TestContext.Current.TestOutputHelper;
        var loggerFactory = output is null
            ? (ILoggerFactory)NullLoggerFactory.Instance
            : LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new TestOutputLoggerProvider(output, LogLevel.Debug)));
        var cluster = new NatsCluster(options, time ?? TimeProvider.System, loggerFactory);
        await cluster.Log.InitializeAsync(cancellationToken);
        return cluster;
    }

    /// <summary>The arguments that make a <see cref="ServerProcess"/> a node with its stores in <paramref name="nats"/>.</summary>
    public static string[] ProcessArguments(NatsServer nats, string nodeId) => ["--nats", nats.Url, "--node", nodeId];

    /// <summary>The next <typeparamref name="TFrame"/> that <paramref name="match"/> accepts, skipping every other frame.</summary>
    public static async Task<TFrame> NextMatchingAsync<TFrame>(this TestClient client, Func<TFrame, bool> match, CancellationToken cancellationToken,
        TimeSpan? within = null)
        where TFrame : Frame
    {
        var deadline = DateTimeOffset.UtcNow + (within ?? TestClient.Timeout);
        while (true)
        {
            var left = deadline - DateTimeOffset.UtcNow;
            Assert.True(left > TimeSpan.Zero, $"No matching {typeof(TFrame).Name} within {(within ?? TestClient.Timeout).TotalSeconds} s.");
            if (await client.NextAsync(left, cancellationToken) is TFrame frame && match(frame))
            {
                return frame;
            }
        }
    }

    /// <summary>The next <paramref name="count"/> broadcasts, skipping joins and leaves.</summary>
    public static async Task<List<Said>> NextSaidsAsync(this TestClient client, int count, CancellationToken cancellationToken)
    {
        var said = new List<Said>(count);
        while (said.Count < count)
        {
            said.Add(await client.NextMatchingAsync<Said>(_ => true, cancellationToken));
        }

        return said;
    }

    /// <summary>Waits until <paramref name="client"/> knows <paramref name="name"/> is online: listed in its welcome, or joined since.</summary>
    public static async Task WaitUntilListedAsync(this TestClient client, Welcome welcome, string name, CancellationToken cancellationToken)
    {
        if (!welcome.Peers.Any(p => p.Name == name))
        {
            await client.NextMatchingAsync<Joined>(j => j.Peer.Name == name, cancellationToken);
        }
    }
}
