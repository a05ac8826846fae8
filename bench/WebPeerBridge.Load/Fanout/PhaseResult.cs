using WebPeerBridge.Load.Stats;

namespace WebPeerBridge.Load.Fanout;

/// <summary>The outcome of one send phase.</summary>
/// <param name="Rate">Offered broadcasts per second over all senders; 0 = closed loop.</param>
/// <param name="Window">Closed loop: broadcasts in flight.</param>
/// <param name="Sent">Broadcasts sent.</param>
/// <param name="Expected">Deliveries expected: every broadcast to every receiver (IRC: not back to its sender).</param>
/// <param name="Delivered">Deliveries recorded, once each and in order per sender.</param>
/// <param name="CompleteReceivers">Receivers that got every broadcast.</param>
/// <param name="MinPerReceiver">Fewest deliveries one receiver got.</param>
/// <param name="OutOfOrder">Deliveries that came twice or out of order.</param>
/// <param name="Elapsed">First send to last delivery.</param>
/// <param name="SendElapsed">First send to last send.</param>
/// <param name="Latency">Send to receive, over every delivery.</param>
/// <param name="ServerCpu">CPU time the server used during the phase, if its pid is known.</param>
/// <param name="ToolCpu">CPU time this load tool used during the phase.</param>
/// <param name="Stalled">The phase ended because nothing arrived for the stall timeout (or a sender was dropped).</param>
internal sealed record PhaseResult(
    double Rate,
    int Window,
    long Sent,
    long Expected,
    long Delivered,
    int CompleteReceivers,
    long MinPerReceiver,
    long OutOfOrder,
    TimeSpan Elapsed,
    TimeSpan SendElapsed,
    LatencySummary Latency,
    TimeSpan? ServerCpu,
    TimeSpan ToolCpu,
    bool Stalled)
{
    public double DeliveredPerSecond => Elapsed > TimeSpan.Zero ? Delivered / Elapsed.TotalSeconds : 0;

    public double SentPerSecond => SendElapsed > TimeSpan.Zero ? Sent / SendElapsed.TotalSeconds : 0;

    public bool AllDelivered => Delivered == Expected;
}
