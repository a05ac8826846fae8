using System.ComponentModel.DataAnnotations;

namespace WebPeerBridge.Rendezvous.Cluster;

/// <summary>
/// Settings of the clustered stores (configuration section <c>Rendezvous:Nats</c>). Without <see cref="Url"/> the server
/// keeps its embedded stores; with it, broadcasts, names and presence live in NATS JetStream and any number of nodes serve
/// one network.
/// </summary>
public sealed class NatsOptions
{
    /// <summary>The NATS server(s), e.g. <c>nats://nats1:4222,nats://nats2:4222</c>; empty: embedded stores, no cluster.</summary>
    public string? Url { get; set; }

    /// <summary>This node's id in presence entries and heartbeats; empty: a new random one at every start.</summary>
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
    /// A node not heard of for this long is dead: the others announce its members as <c>left</c> (reason <c>timeout</c>).
    /// Also the presence bucket's max age, so its entries expire with it. Keep it well above the heartbeat interval.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:10:00")]
    public TimeSpan NodeTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Most broadcasts the stream keeps; older ones are dropped (<c>seq</c> still never repeats).</summary>
    [Range(1000, long.MaxValue)]
    public long StreamMaxMessages { get; set; } = 1_000_000;

    /// <summary>Copies JetStream keeps of the stream and the buckets (1 on a single NATS server, 3 on a 3-node NATS cluster).</summary>
    [Range(1, 5)]
    public int Replicas { get; set; } = 1;

    /// <summary>Whether the options ask for the clustered stores.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Url);
}
