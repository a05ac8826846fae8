using Microsoft.Extensions.Logging;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Rendezvous.Cluster;
using WebPeerBridge.Rendezvous.Tests.Support;

namespace WebPeerBridge.Rendezvous.Tests.Cluster;

/// <summary>The presence bucket by itself: one node's writes, another's watch.</summary>
[Collection(OneClusterAtATime.Name)]
public sealed class NatsPresenceTests
{
    [Fact]
    public async Task A_heartbeat_renews_more_members_than_the_presence_queue_holds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nats = await NatsServer.StartAsync(ct);
        await using var a = await ClusterNodes.ConnectAsync(nats, "a", ct, configure: o => o.Nats.PresenceQueueCapacity = 16);
        await using var b = await ClusterNodes.ConnectAsync(nats, "b", ct);
        var watched = new RecordedClusterEvents();
        await using var watcher = new NatsPresence(b, watched, Logger<NatsPresence>());
        await watcher.StartAsync(ct);
        await using var presence = new NatsPresence(a, new RecordedClusterEvents(), Logger<NatsPresence>());
        await presence.StartAsync(ct);

        var members = Enumerable.Range(0, 40).Select(i => Peer($"m{i}")).ToArray();
        presence.Beat(members, Task.FromResult(true));

        // Forty entries through a queue of sixteen: one heartbeat is one entry in the queue, however many members it renews.
        var seen = new HashSet<string>();
        while (seen.Count < 40)
        {
            seen.Add((await watched.NextAsync("online ", ct)).Split(' ')[1]);
        }

        Assert.Equal(members.Select(m => m.Name).Order(), seen.Order());
    }

    [Fact]
    public async Task A_presence_write_that_finds_the_queue_full_is_logged()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nats = await NatsServer.StartAsync(ct);
        await using var a = await ClusterNodes.ConnectAsync(nats, "a", ct, configure: o =>
        {
            o.Nats.PresenceQueueCapacity = 16;
            o.Nats.OperationTimeout = TimeSpan.FromSeconds(1);
            o.Nats.StopTimeout = TimeSpan.FromMilliseconds(100);
        });
        var logs = new TestOutputLoggerProvider(TestContext.Current.TestOutputHelper!, LogLevel.Debug);
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs));
        var presence = new NatsPresence(a, new RecordedClusterEvents(), loggerFactory.CreateLogger<NatsPresence>());
        await presence.StartAsync(ct);

        await nats.PauseAsync();
        try
        {
            // The writer waits for NATS with the first; sixteen more fill the queue; the rest do not fit.
            for (var i = 0; i < 40; i++)
            {
                presence.Online(Peer($"m{i}"));
            }

            await logs.WaitForLineAsync("Presence queue full").WaitAsync(TestClient.Timeout, ct);
            await presence.DisposeAsync();
        }
        finally
        {
            await nats.ResumeAsync();
        }
    }

    private static PeerInfo Peer(string name) => new(name, "127.0.0.1", 40001, DateTimeOffset.UtcNow, PeerProtocols.V1, null);

    private static Microsoft.Extensions.Logging.Abstractions.NullLogger<T> Logger<T>() => Microsoft.Extensions.Logging.Abstractions.NullLogger<T>.Instance;
}
