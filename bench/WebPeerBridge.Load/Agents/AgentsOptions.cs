namespace WebPeerBridge.Load.Agents;

/// <summary>The agent scenario: N PeerAgents in this process against one rendezvous server, then dm round trips between pairs.</summary>
internal sealed record AgentsOptions
{
    public string Host { get; init; } = "127.0.0.1";

    public int Port { get; init; } = 1234;

    public int Count { get; init; } = 200;

    /// <summary>Pairs that exchange direct messages (agents 0-1, 2-3, …).</summary>
    public int Pairs { get; init; } = 10;

    /// <summary>Direct-message round trips (dm, then its ack) per pair.</summary>
    public int RoundTrips { get; init; } = 200;

    /// <summary>First port of the agents' peer listener range (they bind 127.0.0.1).</summary>
    public int PeerPortMin { get; init; } = 42000;

    /// <summary>Agents publish no key, so their links are plain v1 (the links of before trusted links), not TLS.</summary>
    public bool PlainLinks { get; init; }

    /// <summary>A dm not delivered within this time counts as lost.</summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(3);

    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(1);
}
