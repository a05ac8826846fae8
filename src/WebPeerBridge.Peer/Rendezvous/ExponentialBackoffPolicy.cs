namespace WebPeerBridge.Peer.Rendezvous;

/// <summary>
/// Waits <c>min · 2^attempts</c>, capped at <c>max</c>, each delay spread by ±20 % so that many agents cut off by one
/// server restart do not all come back in the same instant. Never gives up: a LAN server comes back.
/// </summary>
internal sealed class ExponentialBackoffPolicy(TimeSpan min, TimeSpan max, Func<double>? random = null) : IReconnectPolicy
{
    private readonly Func<double> _random = random ?? Random.Shared.NextDouble;

    public TimeSpan? NextRetryDelay(ReconnectContext context)
    {
        var exponent = Math.Min(context.PreviousAttempts, 30);
        var delay = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, exponent));
        var jittered = delay * (0.8 + (0.4 * _random()));
        return TimeSpan.FromMilliseconds(Math.Clamp(jittered, min.TotalMilliseconds * 0.8, max.TotalMilliseconds));
    }
}
