using System.ComponentModel.DataAnnotations;
using WebPeerBridge.Peer.Identity;
using WebPeerBridge.Protocol;

namespace WebPeerBridge.Peer;

/// <summary>Settings of one <see cref="PeerAgent"/>.</summary>
public sealed class PeerAgentOptions
{
    /// <summary>The name to register (checked by <see cref="Protocol.Validation.TextRules.ValidateName"/>).</summary>
    [Required]
    public string Name { get; set; } = "";

    /// <summary>Host of the rendezvous server.</summary>
    [Required]
    public string RendezvousHost { get; set; } = "127.0.0.1";

    /// <summary>Port of the rendezvous server.</summary>
    [Range(1, 65535)]
    public int RendezvousPort { get; set; } = 1234;

    /// <summary>
    /// Several rendezvous servers (nodes of one clustered network) as <c>host:port</c>, in order: the agent moves to the next
    /// one when its server fails, and resumes there. When empty, <see cref="RendezvousHost"/> and <see cref="RendezvousPort"/>.
    /// </summary>
    [RendezvousServers]
    public List<string> RendezvousServers { get; set; } = [];

    /// <summary>First port of the range the peer listener takes the first free port from.</summary>
    [Range(1, 65535)]
    public int PeerPortMin { get; set; } = 40000;

    /// <summary>Last port of that range.</summary>
    [Range(1, 65535)]
    public int PeerPortMax { get; set; } = 40999;

    /// <summary>Address the peer listener binds; 0.0.0.0 accepts links from the LAN.</summary>
    [Required]
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>Host others should dial, when not the address the rendezvous server sees (NAT, containers).</summary>
    public string? AdvertisedHost { get; set; }

    /// <summary>Messages kept per conversation; older ones are dropped from memory.</summary>
    [Range(10, 1_000_000)]
    public int HistoryCapPerConversation { get; set; } = 1000;

    /// <summary>Changes waiting for the agent's subscribers (a UI); past it they are told to read the state afresh.</summary>
    [Range(16, 1_000_000)]
    public int ChangeQueueCapacity { get; set; } = 4096;

    /// <summary>
    /// Direct messages that may wait for one peer that went offline, until it is back with the key it left with; 0:
    /// none wait, and sending to an offline peer is refused.
    /// </summary>
    [Range(0, 10_000)]
    public int MaxQueuedDirectPerPeer { get; set; } = 50;

    /// <summary>Mentions kept in the mentions list; the oldest goes first.</summary>
    [Range(1, 10_000)]
    public int MentionListCapacity { get; set; } = 100;

    /// <summary>Bursts of joins and leaves kept for the quiet lines of the broadcast stream; the oldest goes first.</summary>
    [Range(1, 1000)]
    public int PresenceBurstCapacity { get; set; } = 50;

    /// <summary>Joins (or leaves) this close after the first of a burst are shown on its line ("ana, bo and 3 others joined").</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan PresenceBurstWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// After a reconnect, how long a peer the new welcome no longer listed may come back without a "joined" (a
    /// restarted server lists peers as they reconnect).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RejoinGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The agent pings after this long without sending.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan PingInterval { get; set; } = ProtocolLimits.PingInterval;

    /// <summary>First reconnect delay; doubles up to <see cref="ReconnectMaxDelay"/>, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Cap of the reconnect delay.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Time allowed to open a TCP connection (rendezvous or direct link).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A sent <c>dm</c> without <c>ack</c> after this long is marked failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A connection (to the rendezvous server or a peer) that takes nothing of what is sent for this long is closed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a <c>bye</c> may take to go out; past it the connection closes without one.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ByeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a link closed by a <c>bye</c> keeps its unconfirmed messages waiting for a new link with that peer: when
    /// both sides dial at once, the other side may close the link just used before its twin is open here.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RelinkGrace { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Own broadcasts waiting for the server (it is away, or slow to echo them); one more is refused rather than queued without end.</summary>
    [Range(1, 100_000)]
    public int MaxPendingBroadcasts { get; set; } = 256;

    /// <summary>
    /// Whether <c>conn:</c> to an address that is no listed peer's may only dial LAN addresses (private, link-local,
    /// loopback) on a port within <see cref="PeerPortMin"/>–<see cref="PeerPortMax"/>: a bridge sets it, so that its
    /// users cannot use it to probe other hosts and ports. Listed peers are dialed wherever they are.
    /// </summary>
    public bool RestrictUnlistedDials { get; set; }

    /// <summary>Connections to the peer listener that have sent nothing yet (a classic client sends only when its user types); more are closed at once.</summary>
    [Range(1, 100_000)]
    public int MaxSilentLinks { get; set; } = 64;

    /// <summary>Direct links the agent keeps at once; an incoming one beyond gets <c>too_many</c> and is closed.</summary>
    [Range(1, 100_000)]
    public int MaxLinks { get; set; } = 256;

    /// <summary>
    /// Incoming direct links from one IP address at once; more get <c>too_many</c>. A person has one link with each
    /// peer, so even a bridge with a room of agents behind one address rarely needs more than a few dozen.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxLinksPerAddress { get; set; } = 32;

    /// <summary>
    /// New incoming direct links one IP address may open per minute; more get <c>too_many</c>. Bounds what a host that
    /// connects in a loop can make the agent do (a conversation line and a notice per link); a person opens a handful.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxNewLinksPerAddressPerMinute { get; set; } = 60;

    /// <summary>Direct messages one link may bring at once (a pasted block of lines) before <see cref="DirectMessagesPerSecond"/> applies.</summary>
    [Range(1, 100_000)]
    public int DirectMessageBurst { get; set; } = 100;

    /// <summary>
    /// Direct messages per second one link may bring for as long as it goes on; a link beyond it gets <c>too_many</c>
    /// and is closed (a classic client's without a word). A person types a few a second; a loop is held to this.
    /// </summary>
    [Range(typeof(double), "0.1", "100000")]
    public double DirectMessagesPerSecond { get; set; } = 10;

    /// <summary>
    /// Direct conversations the agent keeps; opening one more forgets the one idle longest (empty ones first). Each
    /// holds up to <see cref="HistoryCapPerConversation"/> lines, so this bounds what peers can make the agent hold.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxDirectConversations { get; set; } = 100;

    /// <summary>A v1 link with nothing sent or received for this long (and nothing waiting for its ack) is closed; the next message opens one again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LinkIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Time a direct link has for its TLS handshake and for each side's hello.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan HelloTimeout { get; set; } = ProtocolLimits.HelloTimeout;

    /// <summary>
    /// How long an incoming link whose name the directory does not list yet waits for its <c>joined</c> before it is
    /// refused as <c>unverified</c> (a peer that just joined may dial before its listing reaches this agent).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan LinkVerifyWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Refused links from one address are logged once per this interval, not once per attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RefusalLogInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A received <c>dm</c> whose <c>at</c> is further than this from the local clock shows the time it arrived.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest frame accepted from a peer link.</summary>
    [Range(256, 16 * 1024 * 1024)]
    public int MaxPeerFrameBytes { get; set; } = ProtocolLimits.MaxClientFrameBytes;

    /// <summary>Largest frame accepted from the rendezvous server (a welcome may carry much history).</summary>
    [Range(256, 64 * 1024 * 1024)]
    public int MaxServerFrameBytes { get; set; } = ProtocolLimits.MaxServerFrameBytes;

    /// <summary>
    /// The agent's link identity (key and certificate). Null: the agent makes a new one and disposes it with itself;
    /// given: the caller keeps it (a browser session's agent keeps its key across reloads and bridge restarts) and
    /// disposes it.
    /// </summary>
    public PeerIdentity? Identity { get; set; }

    /// <summary>
    /// Whether the agent sends its key in its rendezvous hello (the default). False makes it an older keyless peer: its
    /// links are plain and shown unverified; only for benchmarks and compatibility tests.
    /// </summary>
    internal bool PublishKey { get; set; } = true;

    /// <summary>
    /// Where the agent keeps the peers it lists, shared with the other agents that use the same pool: equal peers are one
    /// object for all of them (a bridge's agents all list the same network). Null: <see cref="Presence.PeerPool.Shared"/>,
    /// the process-wide pool of <see cref="Presence.PeerPool.DefaultCapacity"/> peers.
    /// </summary>
    public Presence.PeerPool? PeerPool { get; set; }

    /// <summary>
    /// What the agent had before its process restarted (<see cref="PeerAgent.CaptureSnapshot"/>): it comes back with that
    /// identity, resume token, last broadcast and conversations. Null: a new agent.
    /// </summary>
    public Persistence.AgentSnapshot? Restore { get; set; }

    /// <summary>Gap between two messages written to a seed client's link, so that its reader sees them apart.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan SeedWriteInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>A copy to set one agent's name and server on (a host keeps one template for all its agents).</summary>
    public PeerAgentOptions Clone()
    {
        var copy = (PeerAgentOptions)MemberwiseClone();
        copy.RendezvousServers = [.. RendezvousServers];
        return copy;
    }
}
