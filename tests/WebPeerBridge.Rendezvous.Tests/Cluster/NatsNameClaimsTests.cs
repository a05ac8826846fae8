using WebPeerBridge.Rendezvous.Cluster;

namespace WebPeerBridge.Rendezvous.Tests.Cluster;

/// <summary>The names bucket by itself: claims, releases and holds of one node.</summary>
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
            Assert.True(claims.FlushAsync().IsCompleted);
        }
        finally
        {
            await nats.ResumeAsync();
        }
    }
}
