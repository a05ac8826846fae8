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
    int ExtraClients,
    long? ServerRssWithExtra,
    IReadOnlyList<string> Errors,
    IReadOnlyList<PhaseResult> Phases)
{
    /// <summary>Growth of the server's resident memory per connected client, in bytes.</summary>
    public double? BytesPerClient => ServerRssBefore is { } before && ServerRssAfter is { } after && ReadyClients > 0
        ? (after - before) / (double)ReadyClients
        : null;

    /// <summary>
    /// Growth of the server's resident memory per client connected after the storm, in bytes: what one more idle client
    /// costs, without the process's one-time costs that the first clients pay (JIT-compiled code, pools, GC regions).
    /// </summary>
    public double? BytesPerExtraClient => ServerRssAfter is { } after && ServerRssWithExtra is { } extra && ExtraClients > 0
        ? (extra - after) / (double)ExtraClients
        : null;
}
