using WebPeerBridge.Load.Fanout;

namespace WebPeerBridge.Load.Cluster;

/// <summary>The <c>cluster</c> run: one fan-out scenario against one embedded node, one clustered node, and two clustered nodes.</summary>
internal sealed record ClusterBenchOptions
{
    public required FanoutOptions Scenario { get; init; }

    /// <summary>The built rendezvous server; by default the copy next to this tool.</summary>
    public string RendezvousDll { get; init; } = Path.Combine(AppContext.BaseDirectory, "WebPeerBridge.Rendezvous.dll");

    public string NatsServer { get; init; } = "nats-server";

    public string WorkDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "wpb-bench-cluster");
}
