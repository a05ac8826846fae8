using WebPeerBridge.Rendezvous.Cluster;

namespace WebPeerBridge.Rendezvous.Tests.Cluster;

/// <summary>The names bucket by itself: claims, releases and holds of one node.</summary>
[Collection(OneClusterAtATime.Name)]
public sealed class NatsNameClaimsTests
{
    [Fact]
    public async Task Stopping_while_nats_does_not_answer_cancels_the_releases_still_waiting_before_it_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nats = await NatsServer.StartAsync(ct);
        await using var cluster = await ClusterNodes.ConnectAsync(nats, "a", ct, configure: o =>
        {
            o.Nats.OperationTimeout = TimeSpan.FromSeconds(5);
            o.Nats.StopTimeout = TimeSpan.FromMilliseconds(200);
        });
        var claims = new NatsNameClaims(cluster, _ => false, Microsoft.Extensions.Logging.Abstractions.NullLogger<NatsNameClaims>.Instance);
        foreach (var name in new[] { "alice", "bob", "carol" })
        {
            Assert.Equal(NameClaimOutcome.Claimed, await claims.ClaimAsync(name, null, "t-" + name, ct));
        }

        await nats.PauseAsync();
        try
        {
            // Three releases in a row, each of which would wait five seconds for an answer.
            foreach (var name in new[] { "alice", "bob", "carol" })
            {
                claims.Release(name, "t-" + name, hold: true);
            }

            await claims.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(4), ct);

            // Nothing of them still runs: the connection can be closed under them.
            Assert.True(claims.SettledAsync().IsCompleted);
        }
        finally
        {
            await nats.ResumeAsync();
        }
    }

    [Fact]
    public async Task A_sweep_removes_the_holds_that_are_over_and_the_names_freed_by_bye_and_keeps_the_rest()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var nats = await NatsServer.StartAsync(ct);
        await using var cluster = await ClusterNodes.ConnectAsync(nats, "a", ct, time, o => o.NameHoldTime = TimeSpan.FromSeconds(60));
        var claims = new NatsNameClaims(cluster, _ => false, Microsoft.Extensions.Logging.Abstractions.NullLogger<NatsNameClaims>.Instance);
        foreach (var name in new[] { "alice", "bob", "carol", "dave" })
        {
            Assert.Equal(NameClaimOutcome.Claimed, await claims.ClaimAsync(name, null, "t-" + name, ct));
        }

        claims.Release("alice", "t-alice", hold: true);
        claims.Release("carol", "t-carol", hold: false);
        // Written before the clock moves on (which would end their timeouts too).
        Assert.True(await claims.SettledAsync());
        time.Advance(TimeSpan.FromSeconds(61));
        // Dave's hold starts now: it is not over at the sweep; alice's is.
        claims.Release("dave", "t-dave", hold: true);
        Assert.True(await claims.SettledAsync());
        Assert.Equal(4ul, await MessagesAsync(cluster, ct));

        Assert.Equal(2, await claims.SweepAsync(ct));

        // Bob (online) and dave (held) are all the bucket holds now.
        Assert.Equal(2ul, await MessagesAsync(cluster, ct));
        Assert.Equal(NameClaimOutcome.Held, await claims.ClaimAsync("dave", null, "t-other", ct));
        Assert.Equal(NameClaimOutcome.Claimed, await claims.ClaimAsync("alice", null, "t-alice2", ct));
        Assert.Equal(NameClaimOutcome.Claimed, await claims.ClaimAsync("carol", null, "t-carol2", ct));
        await claims.DisposeAsync();
    }

    private static async Task<ulong> MessagesAsync(NatsCluster cluster, CancellationToken ct) =>
        (ulong)(await cluster.JetStream.GetStreamAsync("KV_" + cluster.Options.NamesBucket, cancellationToken: ct)).Info.State.Messages;
}
