namespace WebPeerBridge.Load.Fanout;

/// <summary>The outcome of a fan-out scenario: the join storm, the server's memory, then each send phase.</summary>
internal sealed record FanoutResult(
    TargetKind Target,
    int Clients,
    int ReadyClients,
    TimeSpan JoinStorm,
    TimeSpan? JoinServerCpu,
    TimeSpan JoinToolCpu,
    long? ServerRssBefore,
    long? ServerRssAfter,
    IReadOnlyList<string> Errors,
    IReadOnlyList<PhaseResult> Phases)
{
    /// <summary>Growth of the server's resident memory per connected client, in bytes.</summary>
    public double? BytesPerClient => ServerRssBefore is { } before && ServerRssAfter is { } after && ReadyClients > 0
        ? (after - before) / (double)ReadyClients
        : null;
}
