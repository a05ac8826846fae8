using WebPeerBridge.Load.Stats;

namespace WebPeerBridge.Load.Hostile;

/// <summary>Everything the hostile run measured.</summary>
internal sealed record HostileResult(
    IReadOnlyList<ProcessFigures> Processes,
    IReadOnlyList<FloodCount> Floods,
    int HonestClients,
    int HonestDropped,
    long BroadcastsExpected,
    long BroadcastsDelivered,
    long BroadcastsOutOfOrder,
    LatencySummary BroadcastLatency,
    LatencySummary DirectRoundTrip,
    int DirectFailures,
    string? DirectError,
    LatencySummary PageLoad,
    int PagesRefused,
    string LoadBefore,
    string LoadAfter)
{
    /// <summary>Honest p99 under 100 ms and nothing honest dropped, refused, lost or out of order.</summary>
    public bool HonestTargetsMet =>
        HonestDropped == 0 && BroadcastsDelivered == BroadcastsExpected && BroadcastsOutOfOrder == 0 && DirectFailures == 0 && PagesRefused == 0
        && BroadcastLatency.P99 < 100 && DirectRoundTrip.P99 < 100 && PageLoad.P99 < 100;

    /// <summary>The targets: honest p99 under 100 ms, memory back within 20%, no honest client dropped or refused.</summary>
    public bool TargetsMet =>
        HonestDropped == 0 && BroadcastsDelivered == BroadcastsExpected && BroadcastsOutOfOrder == 0 && DirectFailures == 0 && PagesRefused == 0
        && BroadcastLatency.P99 < 100 && DirectRoundTrip.P99 < 100 && PageLoad.P99 < 100
        && Processes.All(p => p.Growth <= 0.20);
}
