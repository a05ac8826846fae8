using WebPeerBridge.Peer.Rendezvous;

namespace WebPeerBridge.Peer.Tests;

public sealed class ExponentialBackoffPolicyTests
{
    [Fact]
    public void Delay_doubles_from_the_minimum_up_to_the_cap()
    {
        var policy = new ExponentialBackoffPolicy(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), () => 0.5);

        var delays = Enumerable.Range(0, 6).Select(n => policy.NextRetryDelay(new ReconnectContext(n, TimeSpan.Zero, "test"))!.Value.TotalMilliseconds);

        Assert.Equal([100, 200, 400, 800, 1000, 1000], delays);
    }

    [Theory]
    [InlineData(0.0, 320)]
    [InlineData(1.0, 480)]
    public void Jitter_spreads_a_delay_by_a_fifth_either_way(double random, double expectedMs)
    {
        var policy = new ExponentialBackoffPolicy(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), () => random);

        var delay = policy.NextRetryDelay(new ReconnectContext(2, TimeSpan.Zero, "test"));

        Assert.Equal(expectedMs, delay!.Value.TotalMilliseconds, 3);
    }

    [Fact]
    public void Jitter_never_exceeds_the_cap()
    {
        var policy = new ExponentialBackoffPolicy(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), () => 1.0);

        Assert.Equal(1000, policy.NextRetryDelay(new ReconnectContext(20, TimeSpan.Zero, "test"))!.Value.TotalMilliseconds);
    }
}
