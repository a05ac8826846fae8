using System.Net;
using Microsoft.Extensions.Options;
using WebPeerBridge.Peer.Rendezvous;
using WebPeerBridge.Rendezvous;

namespace WebPeerBridge.Web.Hosting;

/// <summary>
/// Resolves where agents find the rendezvous server: the configured external server, or the embedded one over
/// loopback once it listens (its port may be 0 in the settings, so the real one is known only then).
/// </summary>
internal sealed class RendezvousTarget
{
    private readonly RendezvousClientOptions _options;
    private readonly RendezvousServer? _embedded;

    public RendezvousTarget(IOptions<RendezvousClientOptions> options, IServiceProvider services)
    {
        _options = options.Value;
        _embedded = _options.IsEmbedded ? services.GetService(typeof(RendezvousServer)) as RendezvousServer : null;
    }

    /// <summary>Whether the app runs its own rendezvous server.</summary>
    public bool IsEmbedded => _embedded is not null;

    /// <summary>The endpoint as far as it is known without waiting (for messages); the embedded port may still be 0.</summary>
    public RendezvousEndpoint Known => _embedded is null
        ? External()
        : new RendezvousEndpoint(LoopbackFor(_embedded.LocalEndPoint?.Address), _embedded.LocalEndPoint?.Port ?? _options.Port);

    /// <summary>The endpoint to dial; for the embedded server, waits until it listens.</summary>
    public async Task<RendezvousEndpoint> ResolveAsync(CancellationToken cancellationToken)
    {
        if (_embedded is null)
        {
            return Known;
        }

        var endpoint = await _embedded.WaitUntilListeningAsync(cancellationToken).ConfigureAwait(false);
        return new RendezvousEndpoint(LoopbackFor(endpoint.Address), endpoint.Port);
    }

    private RendezvousEndpoint External()
    {
        if (_options.Servers.Count > 0 && RendezvousServerList.TryParse(_options.Servers[0], out var host, out var port))
        {
            return new RendezvousEndpoint(host, port, _options.Servers);
        }

        return new RendezvousEndpoint(_options.Host!.Trim(), _options.Port);
    }

    // A server bound to every interface is reached over loopback; one bound to a single address there.
    private static string LoopbackFor(IPAddress? bound) =>
        bound is null || bound.Equals(IPAddress.Any) || bound.Equals(IPAddress.IPv6Any) ? "127.0.0.1" : bound.ToString();
}
