using System.ComponentModel.DataAnnotations;
using WebPeerBridge.Peer;

namespace WebPeerBridge.Web.Hosting;

/// <summary>Settings of the browser sessions' peer agents (configuration section <c>Bridge</c>).</summary>
internal sealed class BridgeOptions
{
    public const string SectionName = "Bridge";

    /// <summary>
    /// What every session's agent starts from: <see cref="PeerAgentOptions"/>' defaults, with the settings this section
    /// holds under the agent's names (<see cref="AgentSettings.Names"/>: <c>Bridge:PeerPortMin</c>, <c>Bridge:MaxLinks</c>…),
    /// validated by the agent's own rules.
    /// </summary>
#pragma warning disable SYSLIB1212 // BridgeAgentOptionsValidator validates it, naming the settings as written (Bridge:MaxLinks, not Agent.MaxLinks).
    public PeerAgentOptions Agent { get; } = AgentSettings.Template();
#pragma warning restore SYSLIB1212

    /// <summary>
    /// Reverse proxies in front of the web app (IP addresses): a request from one of them is counted against the address
    /// its <c>X-Forwarded-For</c> names, not against the proxy's, and the proxy's connections are not limited per
    /// address. Empty: the header is ignored (any host could write one).
    /// </summary>
    [WebPeerBridge.Rendezvous.IpAddresses]
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>
    /// TCP connections to the web app open at once from one remote address; one more is closed at once. A tab holds one
    /// (its circuit) plus a few while a page loads, so a NAT'd lab of 40 tabs fits; raise it with the class.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxConnectionsPerAddress { get; set; } = 256;

    /// <summary>How long an agent outlives its last browser tab (reloads and dropped connections come back within it).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The web app's data folder (sessions, their keys and conversations; the Data Protection key ring), relative to the
    /// content root unless absolute. A volume in docker-compose.yml.
    /// </summary>
    [Required]
    public string DataPath { get; set; } = "data";

    /// <summary>
    /// Keep the sessions in the data folder, so that a bridge restart comes back to them (name, key, conversations,
    /// drafts); false forgets them at every stop (agents say bye).
    /// </summary>
    public bool PersistSessions { get; set; } = true;

    /// <summary>How often the sessions are written to the data folder while the bridge runs (and once more at its stop).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SessionSaveInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most agents (people) the bridge hosts at once.</summary>
    [Range(1, 100_000)]
    public int MaxAgents { get; set; } = 200;

    /// <summary>
    /// Most agents started from one remote address. A lab behind one NAT address (all its browsers share it) needs
    /// about the size of the class.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxAgentsPerAddress { get; set; } = 4;

    /// <summary>Most joins one remote address may try per minute (refused ones count).</summary>
    [Range(1, 100_000)]
    public int JoinsPerAddressPerMinute { get; set; } = 10;

    /// <summary>Most open circuits (tabs) of one browser session.</summary>
    [Range(1, 10_000)]
    public int MaxCircuitsPerSession { get; set; } = 10;

    /// <summary>Most open circuits (tabs) from one remote address; a circuit holds about 2 MB on the server.</summary>
    [Range(1, 100_000)]
    public int MaxCircuitsPerAddress { get; set; } = 40;

    /// <summary>Most page requests (documents, not assets or the circuit's own traffic) from one remote address per minute.</summary>
    [Range(1, 1_000_000)]
    public int PageRequestsPerAddressPerMinute { get; set; } = 120;

    /// <summary>Longest a join may take before the join screen gives up.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan JoinTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long the browser waits for the bridge to take a line typed in the composer before it hands the same line over
    /// again (carried out once): an answer lost while the circuit reconnected does not stall the lines typed after it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ComposerAnswerTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most lines a page holds while the bridge has not taken them yet; Enter then leaves the text in the box.</summary>
    [Range(1, 10_000)]
    public int ComposerMaxWaitingLines { get; set; } = 100;

    /// <summary>Past this many people online, the people list offers a field that filters it by name.</summary>
    [Range(0, 100_000)]
    public int PeopleFilterFrom { get; set; } = 20;

    /// <summary>How long a session's agent may take to say bye when the session ends; past it, it is closed without one.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan LeaveTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the readiness check (<c>/healthz</c>) waits for the rendezvous server to answer.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Most search results shown for a conversation (the newest matches); all of them are counted.</summary>
    [Range(1, 10_000)]
    public int SearchMaxResults { get; set; } = 100;

    /// <summary>
    /// Most peers the sessions' agents share as one object each (every agent lists the same network): past it, a new
    /// peer costs each agent its own copy until peers gone free room. Far above what one network lists.
    /// </summary>
    [Range(1, 10_000_000)]
    public int SharedPeers { get; set; } = Peer.Presence.PeerPool.DefaultCapacity;
}
