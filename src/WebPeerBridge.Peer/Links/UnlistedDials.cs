using System.Net;
using System.Net.Sockets;

namespace WebPeerBridge.Peer.Links;

/// <summary>Which addresses a restricted agent may dial with <c>conn:</c> when no listed peer is there.</summary>
internal static class UnlistedDials
{
    /// <summary>An IP address on the LAN (private, link-local or loopback) and a port within the peer port range.</summary>
    public static bool Allowed(string host, int port, int portMin, int portMax) =>
        port >= portMin && port <= portMax && IPAddress.TryParse(host.Trim('[', ']'), out var address) && IsLan(address);

    public static bool IsLan(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] == 10
                || b[0] == 172 && b[1] is >= 16 and <= 31
                || b[0] == 192 && b[1] == 168
                || b[0] == 169 && b[1] == 254;
        }

        // Unique local fc00::/7 and link-local fe80::/10.
        return address.AddressFamily == AddressFamily.InterNetworkV6 && (address.IsIPv6UniqueLocal || address.IsIPv6LinkLocal);
    }
}
