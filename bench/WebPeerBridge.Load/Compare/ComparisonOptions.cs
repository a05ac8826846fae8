using WebPeerBridge.Load.Fanout;

namespace WebPeerBridge.Load.Compare;

/// <summary>The <c>all</c> run: one fan-out scenario against each target, each server a fresh child process.</summary>
internal sealed record ComparisonOptions
{
    public required FanoutOptions Scenario { get; init; }

    public IReadOnlyList<TargetKind> Targets { get; init; } = [TargetKind.Relay, TargetKind.Wpb, TargetKind.Irc];

    /// <summary>The built rendezvous server; by default the copy next to this tool.</summary>
    public string RendezvousDll { get; init; } = Path.Combine(AppContext.BaseDirectory, "WebPeerBridge.Rendezvous.dll");

    public string InspircdPath { get; init; } = "/usr/sbin/inspircd";

    /// <summary>Agents started against the rendezvous server after its fan-out run; 0 skips the agent figures.</summary>
    public int Agents { get; init; }

    public string WorkDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "wpb-bench");
}
