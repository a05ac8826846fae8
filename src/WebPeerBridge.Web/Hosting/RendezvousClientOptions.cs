using System.ComponentModel.DataAnnotations;
using WebPeerBridge.Peer;

namespace WebPeerBridge.Web.Hosting;

/// <summary>
/// Where the agents find the rendezvous server (configuration section <c>Rendezvous</c>, shared with the embedded
/// server's own settings). An empty <see cref="Host"/> starts the embedded server on <see cref="Port"/>.
/// </summary>
internal sealed class RendezvousClientOptions
{
    /// <summary>Host of an external rendezvous server; empty for the embedded one.</summary>
    public string? Host { get; set; }

    /// <summary>Port of the rendezvous server (the embedded server listens on it; 0 picks a free one).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 1234;

    /// <summary>
    /// Several external rendezvous servers (nodes of one clustered network) as <c>host:port</c>: each agent starts with the
    /// first and moves to the next when its node fails. Set, it replaces <see cref="Host"/> and <see cref="Port"/>.
    /// </summary>
    [RendezvousServers]
    public List<string> Servers { get; set; } = [];

    /// <summary>Whether the app runs its own rendezvous server.</summary>
    public bool IsEmbedded => string.IsNullOrWhiteSpace(Host) && Servers.Count == 0;
}
