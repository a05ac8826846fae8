namespace WebPeerBridge.Rendezvous.Tests.Cluster;

/// <summary>
/// The tests that start NATS servers and rendezvous nodes (some as processes, some paused or killed) run one at a time:
/// several at once on a two-core machine pushed a node's first connection to NATS past NATS.Net's two-second connect
/// timeout, and the other tests' timing (a classic client's notices 50 ms apart) with it. They still run beside the rest.
/// </summary>
[CollectionDefinition(Name)]
public sealed class OneClusterAtATime
{
    public const string Name = "Cluster: NATS servers and nodes, one test at a time";
}
