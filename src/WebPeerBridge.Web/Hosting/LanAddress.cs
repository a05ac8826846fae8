using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace WebPeerBridge.Web.Hosting;

/// <summary>Finds this machine's LAN address, for peers elsewhere on the LAN to dial the bridge's agents.</summary>
internal static class LanAddress
{
    /// <summary>The IPv4 address of the first interface that is up and not loopback, preferring one with a gateway.</summary>
    public static string? Find()
    {
        try
        {
            var candidates = NetworkInterface.GetAllNetworkInterfaces()
                .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
                .Select(n => (Properties: n.GetIPProperties(), Interface: n))
                .Select(n => (
                    Address: n.Properties.UnicastAddresses
                        .Select(u => u.Address)
                        .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a) && !IsLinkLocal(a)),
                    HasGateway: n.Properties.GatewayAddresses.Count > 0))
                .Where(c => c.Address is not null)
                .OrderByDescending(c => c.HasGateway)
                .ToList();
            return candidates.Count == 0 ? null : candidates[0].Address!.ToString();
        }
        catch (NetworkInformationException)
        {
            return null;
        }
    }

    private static bool IsLinkLocal(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return bytes[0] == 169 && bytes[1] == 254;
    }
}
