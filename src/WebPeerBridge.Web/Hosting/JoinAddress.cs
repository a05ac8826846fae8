using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace WebPeerBridge.Web.Hosting;

/// <summary>
/// The address a phone on the LAN opens to join: the one this browser used when that is not loopback, else the bridge's
/// listening address with a wildcard host (0.0.0.0, [::], +, *) replaced by this machine's LAN address.
/// </summary>
internal sealed class JoinAddress(IServiceProvider services)
{
    private readonly Lazy<string?> _lanAddress = new(LanAddress.Find);

    /// <summary>Where to join from another device, for a page opened at <paramref name="pageBaseUri"/>.</summary>
    public JoinUrl For(string pageBaseUri)
    {
        var listening = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return Choose(pageBaseUri, listening, _lanAddress.Value);
    }

    /// <summary>The choice itself, from what the page used, where the bridge listens and the machine's LAN address.</summary>
    public static JoinUrl Choose(string pageBaseUri, IEnumerable<string> listening, string? lanAddress)
    {
        var page = new Uri(pageBaseUri);
        if (!IsLoopback(page.Host))
        {
            return new JoinUrl(page.GetLeftPart(UriPartial.Authority) + "/", OnLan: true);
        }

        foreach (var address in listening)
        {
            var wildcard = address.Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal);
            if (!Uri.TryCreate(wildcard, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                continue;
            }

            if (uri.Host.Trim('[', ']') is "0.0.0.0" or "::")
            {
                if (lanAddress is not null)
                {
                    return new JoinUrl(new UriBuilder(uri.Scheme, lanAddress, uri.Port).Uri.ToString(), OnLan: true);
                }
            }
            else if (!IsLoopback(uri.Host))
            {
                return new JoinUrl(new UriBuilder(uri.Scheme, uri.Host, uri.Port).Uri.ToString(), OnLan: true);
            }
        }

        // Only loopback: other devices cannot reach it, but the address is still the one to show.
        return new JoinUrl(page.GetLeftPart(UriPartial.Authority) + "/", OnLan: false);
    }

    private static bool IsLoopback(string host) =>
        host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
