using WebPeerBridge.Load.Stats;

namespace WebPeerBridge.Load.Agents;

/// <summary>The outcome of the agent scenario; <see cref="Unavailable"/> says why nothing was measured.</summary>
internal sealed record AgentsResult(
    int Count,
    int Started,
    TimeSpan StartElapsed,
    long HeapBefore,
    long HeapAfter,
    long RssBefore,
    long RssAfter,
    int Pairs,
    long RoundTrips,
    TimeSpan DmElapsed,
    LatencySummary DmLatency,
    IReadOnlyList<string> Errors,
    string? Unavailable = null)
{
    /// <summary>The agents published no key: plain links instead of TLS.</summary>
    public bool PlainLinks { get; init; }

    /// <summary>Time to open one pair's link (dial, TLS unless plain, hellos), one pair at a time.</summary>
    public LatencySummary LinkOpen { get; init; } = LatencySummary.Empty;

    public double HeapPerAgent => Started > 0 ? (HeapAfter - HeapBefore) / (double)Started : 0;

    public double RssPerAgent => Started > 0 ? (RssAfter - RssBefore) / (double)Started : 0;

    public double RoundTripsPerSecond => DmElapsed > TimeSpan.Zero ? RoundTrips / DmElapsed.TotalSeconds : 0;

    public static AgentsResult NotAvailable(int count, string why) =>
        new(count, 0, TimeSpan.Zero, 0, 0, 0, 0, 0, 0, TimeSpan.Zero, LatencySummary.Empty, [], why);
}
