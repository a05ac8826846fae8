using System.Net;
using Microsoft.Extensions.Options;
using WebPeerBridge.Peer;
using WebPeerBridge.Peer.Presence;

namespace WebPeerBridge.Web.Hosting;

/// <summary>Makes the peer agent of one browser session from the bridge's settings.</summary>
internal sealed class PeerAgentFactory(IOptions<BridgeOptions> options, ILoggerFactory loggerFactory, TimeProvider timeProvider)
{
    private readonly Lazy<string?> _lanAddress = new(LanAddress.Find);

    // One pool for the bridge's agents, of the bridge's size.
    private readonly Lazy<PeerPool> _peers = new(() => new PeerPool(options.Value.SharedPeers));

    public BridgeOptions Options => options.Value;

    public PeerAgent Create(string name, RendezvousEndpoint rendezvous, Peer.Persistence.AgentSnapshot? restore = null)
    {
        var bridge = options.Value;
        var agentOptions = bridge.Agent.Clone();
        agentOptions.Name = name;
        agentOptions.RendezvousHost = rendezvous.Host;
        agentOptions.RendezvousPort = rendezvous.Port;
        agentOptions.RendezvousServers = [.. rendezvous.Servers ?? []];
        agentOptions.AdvertisedHost = AdvertisedHostFor(bridge.Agent, rendezvous);
        // A web user's conn: must not make the bridge a port scanner.
        agentOptions.RestrictUnlistedDials = true;
        agentOptions.Restore = restore;
        agentOptions.PeerPool = _peers.Value;
        return new PeerAgent(agentOptions, loggerFactory, timeProvider);
    }

    // Over loopback the server would announce 127.0.0.1, which nobody else on the LAN can dial: advertise the LAN
    // address instead, unless the listeners are bound to loopback themselves (then only this machine can dial them).
    private string? AdvertisedHostFor(PeerAgentOptions bridge, RendezvousEndpoint rendezvous)
    {
        if (!string.IsNullOrWhiteSpace(bridge.AdvertisedHost))
        {
            return bridge.AdvertisedHost.Trim();
        }

        var rendezvousIsLocal = IPAddress.TryParse(rendezvous.Host, out var host) && IPAddress.IsLoopback(host)
            || string.Equals(rendezvous.Host, "localhost", StringComparison.OrdinalIgnoreCase);
        var bindsLoopback = IPAddress.TryParse(bridge.BindAddress, out var bind) && IPAddress.IsLoopback(bind);
        return rendezvousIsLocal && !bindsLoopback ? _lanAddress.Value : null;
    }
}
