using System.ComponentModel.DataAnnotations;

namespace WebPeerBridge.Rendezvous.Cluster;

/// <summary>
/// Settings of the clustered stores (configuration section <c>Rendezvous:Nats</c>). Without <see cref="Url"/> the server
/// keeps its embedded stores; with it, broadcasts, names and presence live in NATS JetStream and any number of nodes serve
/// one network.
/// </summary>
public sealed class NatsOptions : IValidatableObject
{
    /// <summary>The NATS server(s), e.g. <c>nats://nats1:4222,nats://nats2:4222</c>; empty: embedded stores, no cluster.</summary>
    public string? Url { get; set; }

    /// <summary>
    /// This node's name in logs and on its NATS connection; empty: a new random one at every start. Presence entries, claims
    /// and heartbeats carry it with a random part new at every start, so a node restarted under the same id is never taken
    /// for its former life.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9_-]{0,64}$")]
    public string? NodeId { get; set; }

    /// <summary>The JetStream stream of broadcasts; its sequence is <c>seq</c>.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_-]{1,64}$")]
    public string StreamName { get; set; } = "WPB_BROADCASTS";

    /// <summary>The subject the stream holds.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,128}$")]
    public string Subject { get; set; } = "wpb.said";

    /// <summary>The key-value bucket of names, their resume tokens and holds.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_-]{1,64}$")]
    public string NamesBucket { get; set; } = "wpb-names";

    /// <summary>The key-value bucket of who is online on which node, and of node heartbeats.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_-]{1,64}$")]
    public string PresenceBucket { get; set; } = "wpb-presence";

    /// <summary>How often a node renews its heartbeat and its members' presence entries.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A node not heard of for this long is dead: the others announce its members as <c>left</c> (reason <c>timeout</c>);
    /// so is a member of a live node whose entry was not renewed this long. Also the presence bucket's max age, so its
    /// entries expire with it. At least twice the heartbeat interval.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:10:00")]
    public TimeSpan NodeTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Most broadcasts the stream keeps; older ones are dropped (<c>seq</c> still never repeats).</summary>
    [Range(1000, long.MaxValue)]
    public long StreamMaxMessages { get; set; } = 1_000_000;

    /// <summary>Copies JetStream keeps of the stream and the buckets (1 on a single NATS server, 3 on a 3-node NATS cluster).</summary>
    [Range(1, 5)]
    public int Replicas { get; set; } = 1;

    /// <summary>
    /// A call to the names or presence bucket (a hello's claim of its name, with its retries; a release; a presence write)
    /// that NATS does not finish in this time fails: a hello then gets <c>unavailable</c>. Also bounds how long the hub
    /// waits for the releases before a claim.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Reading a welcome's history from the stream (what the in-memory tail no longer has; past it the welcome carries fewer),
    /// and reading the names bucket for its sweep.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan HistoryReadTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>At stop, how long the node keeps writing its members' left entries and name releases while NATS is slow or away.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// Presence writes (members online and left) that may wait for NATS; one more is dropped and logged (a member's entry is
    /// renewed by the next heartbeat, a left is kept and written again).
    /// </summary>
    [Range(16, 10_000_000)]
    public int PresenceQueueCapacity { get; set; } = 65_536;

    /// <summary>How long the stream consumer waits before it consumes again after a failure (NATS away).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan ConsumerRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The newest broadcasts kept in memory for welcomes and <c>since</c>; older ones are read from the stream.</summary>
    [Range(16, 1_000_000)]
    public int HistoryTailCapacity { get; set; } = 1024;

    /// <summary>Tries of one name's claim against other nodes claiming it at the same moment; then the hello gets <c>name_taken</c>.</summary>
    [Range(1, 100)]
    public int MaxClaimAttempts { get; set; } = 8;

    /// <summary>Whether the options ask for the clustered stores.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Url);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // A node renews its entries every heartbeat; with less than two beats per timeout, one late beat declares it dead.
        if (NodeTimeout < HeartbeatInterval * 2)
        {
            yield return new ValidationResult(
                $"NodeTimeout ({NodeTimeout.TotalSeconds:0.###} s) must be at least twice HeartbeatInterval ({HeartbeatInterval.TotalSeconds:0.###} s).",
                [nameof(NodeTimeout), nameof(HeartbeatInterval)]);
        }
    }
}
