using System.Globalization;
using System.Net;
using System.Net.Sockets;

// Also compiled into the other test projects (linked), so it depends on nothing else of this project.
namespace WebPeerBridge.Rendezvous.Tests.Support;

/// <summary>Loopback ports for servers that a test starts, stops and starts again on the same port.</summary>
public static class LoopbackPorts
{
    private const int Span = 10_000;

    /// <summary>
    /// A free port below the kernel's ephemeral range, from a random place in it: a socket bound to port 0 (any other
    /// test's, in any process) never gets it, so it stays free while its server is down between two starts.
    /// </summary>
    public static int Restartable()
    {
        var top = EphemeralLow() - 1;
        var bottom = Math.Max(1024, top - Span + 1);
        var count = top - bottom + 1;
        var start = Random.Shared.Next(count);
        for (var i = 0; i < count; i++)
        {
            var port = bottom + (start + i) % count;
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                probe.Stop();
                return port;
            }
            catch (SocketException)
            {
                // Taken: the next one.
            }
        }

        throw new InvalidOperationException($"No free loopback port between {bottom} and {top}.");
    }

    // The first port the kernel hands out for port 0 (Linux: /proc/sys/net/ipv4/ip_local_port_range, 32768 by default).
    private static int EphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32768;
        }
    }
}
