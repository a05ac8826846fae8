using System.Net;

namespace WebPeerBridge.Web.Hosting;

/// <summary>The remote address of a request, as the per-address limits count it.</summary>
internal static class ClientAddress
{
    /// <summary>The request's remote address (IPv4-mapped IPv6 as IPv4); <see cref="IPAddress.None"/> when unknown.</summary>
    public static IPAddress Of(HttpContext? context) => Normalize(context?.Connection.RemoteIpAddress);

    /// <summary><paramref name="text"/> as an address (see <see cref="Of"/>); <see cref="IPAddress.None"/> when it is none.</summary>
    public static IPAddress Parse(string? text) => Normalize(IPAddress.TryParse(text, out var address) ? address : null);

    private static IPAddress Normalize(IPAddress? address) => address switch
    {
        null => IPAddress.None,
        { IsIPv4MappedToIPv6: true } => address.MapToIPv4(),
        _ => address,
    };
}
