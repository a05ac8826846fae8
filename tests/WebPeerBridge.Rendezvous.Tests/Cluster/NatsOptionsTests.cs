using WebPeerBridge.Rendezvous.Cluster;

namespace WebPeerBridge.Rendezvous.Tests.Cluster;

/// <summary>The cluster's settings are checked at start, each limit and how they fit together.</summary>
public sealed class NatsOptionsTests
{
    [Fact]
    public void The_defaults_pass_validation()
    {
        Assert.True(new RendezvousOptionsValidator().Validate(null, new RendezvousOptions()).Succeeded);
    }

    [Fact]
    public void A_node_timeout_below_two_heartbeats_fails_validation_with_a_message_that_says_so()
    {
        var options = new RendezvousOptions
        {
            Nats = new NatsOptions { HeartbeatInterval = TimeSpan.FromSeconds(5), NodeTimeout = TimeSpan.FromSeconds(9) },
        };

        var result = new RendezvousOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("NodeTimeout (9 s) must be at least twice HeartbeatInterval (5 s)", result.FailureMessage, StringComparison.Ordinal);
        options.Nats.NodeTimeout = TimeSpan.FromSeconds(10);
        Assert.True(new RendezvousOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData(nameof(NatsOptions.OperationTimeout))]
    [InlineData(nameof(NatsOptions.HistoryReadTimeout))]
    [InlineData(nameof(NatsOptions.ConsumerRetryDelay))]
    [InlineData(nameof(NatsOptions.PresenceQueueCapacity))]
    [InlineData(nameof(NatsOptions.HistoryTailCapacity))]
    [InlineData(nameof(NatsOptions.MaxClaimAttempts))]
    public void A_cluster_limit_of_zero_fails_validation(string option)
    {
        var nats = new NatsOptions();
        var property = typeof(NatsOptions).GetProperty(option)!;
        property.SetValue(nats, property.PropertyType == typeof(TimeSpan) ? TimeSpan.Zero : 0);

        var result = new RendezvousOptionsValidator().Validate(null, new RendezvousOptions { Nats = nats });

        Assert.True(result.Failed);
        Assert.Contains(option, result.FailureMessage, StringComparison.Ordinal);
    }
}
