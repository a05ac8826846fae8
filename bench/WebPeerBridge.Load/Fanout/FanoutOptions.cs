namespace WebPeerBridge.Load.Fanout;

/// <summary>One fan-out scenario: who connects where, who sends how much how fast, and the bounds of the run.</summary>
internal sealed record FanoutOptions
{
    public TargetKind Target { get; init; } = TargetKind.Wpb;

    public string Host { get; init; } = "127.0.0.1";

    public int Port { get; init; } = 1234;

    /// <summary>More ports of the same host (nodes of one cluster): client i connects to the (i mod n)th of Port and these.</summary>
    public IReadOnlyList<int> MorePorts { get; init; } = [];

    /// <summary>Clients connected at once (the join storm).</summary>
    public int Clients { get; init; } = 1000;

    /// <summary>Clients that broadcast (the first ones); the last client is never a sender.</summary>
    public int Senders { get; init; } = 2;

    /// <summary>Broadcasts per sender in each phase.</summary>
    public int Messages { get; init; } = 500;

    /// <summary>Broadcasts per sender in an unreported closed-loop phase first, so JIT and pools of both sides are warm; 0 skips it.</summary>
    public int WarmupMessages { get; init; }

    /// <summary>A rate meaning every sender sends all its broadcasts at once, as fast as its socket takes them (no window).</summary>
    public const double Burst = double.PositiveInfinity;

    /// <summary>
    /// One send phase per entry: total broadcasts per second over all senders; 0 = closed loop (as fast as delivered,
    /// <see cref="Window"/> in flight); <see cref="Burst"/> = all at once.
    /// </summary>
    public IReadOnlyList<double> Rates { get; init; } = [0];

    /// <summary>Closed loop only: broadcasts in flight (sent, not yet seen by the last client) over all senders.</summary>
    public int Window { get; init; } = 64;

    /// <summary>Bytes of padding in each broadcast's text, after the timestamp.</summary>
    public int Padding { get; init; } = 48;

    /// <summary>The server's process id, to read its memory and CPU time from /proc; null when unknown.</summary>
    public int? ServerPid { get; init; }

    /// <summary>
    /// Clients connected after the join storm (and closed before the send phases) to read the server's memory per extra
    /// idle client: the cost of one more client, without the one-time cost of the first ones (JIT, pools); 0 = none.
    /// </summary>
    public int ExtraClients { get; init; } = 200;

    /// <summary>Connections opened at once during the join storm; 0 = all.</summary>
    public int ConnectParallelism { get; init; }

    /// <summary>Bound of the whole run.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>A phase ends when nothing more arrives for this long (lost messages, a stalled server).</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Pause after the join storm before the memory is read, so the server settles.</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Where client <paramref name="index"/> connects: <paramref name="first"/>, or one of <see cref="MorePorts"/>.</summary>
    public System.Net.EndPoint EndPointFor(int index, System.Net.IPEndPoint first) =>
        MorePorts.Count == 0 || index % (MorePorts.Count + 1) == 0 ? first : new System.Net.IPEndPoint(first.Address, MorePorts[index % (MorePorts.Count + 1) - 1]);

    public void Validate()
    {
        if (Clients < 2 || Senders < 1 || Senders >= Clients || Messages < 1 || Window < 1 || Padding < 0 || Padding > 4000 || Rates.Count == 0)
        {
            throw new ArgumentException("Need clients >= 2, 1 <= senders < clients, messages >= 1, window >= 1, padding 0-4000, at least one rate.");
        }
    }
}
