using System.Globalization;
using WebPeerBridge.Peer.Transport;

namespace WebPeerBridge.Peer.Rendezvous;

/// <summary>
/// The rendezvous servers an agent may use (nodes of one clustered network), in order. The link dials
/// <see cref="Host"/>:<see cref="Port"/> and, after a failed attempt or a dropped connection, moves to the next one, where it
/// resumes with its token and <c>since</c>. One server (the usual LAN) is a list of one. Used by the link's loop only.
/// </summary>
public sealed class RendezvousServerList
{
    private readonly (string Host, int Port)[] _servers;
    private int _current;

    private RendezvousServerList((string Host, int Port)[] servers) => _servers = servers;

    /// <summary>How many servers there are.</summary>
    public int Count => _servers.Length;

    /// <summary>The server to dial now.</summary>
    public string Host => _servers[Volatile.Read(ref _current)].Host;

    /// <summary>Its port.</summary>
    public int Port => _servers[Volatile.Read(ref _current)].Port;

    /// <summary>
    /// <see cref="PeerAgentOptions.RendezvousServers"/> when any are set, else <see cref="PeerAgentOptions.RendezvousHost"/>
    /// and <see cref="PeerAgentOptions.RendezvousPort"/>.
    /// </summary>
    public static RendezvousServerList From(PeerAgentOptions options)
    {
        if (options.RendezvousServers.Count == 0)
        {
            return new([(options.RendezvousHost, options.RendezvousPort)]);
        }

        return new([.. options.RendezvousServers.Select(s => TryParse(s, out var host, out var port)
            ? (host, port)
            : throw new ArgumentException($"A rendezvous server is host:port, e.g. 127.0.0.1:1234, not '{s}'.", nameof(options)))]);
    }

    /// <summary>Splits <c>host:port</c> (<c>[::1]:1234</c> for an IPv6 address).</summary>
    public static bool TryParse(string value, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = value.LastIndexOf(':');
        if (colon <= 0)
        {
            return false;
        }

        host = value[..colon].Trim().Trim('[', ']');
        return host.Length > 0 && int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;
    }

    /// <summary>The next server on the list (the first after the last).</summary>
    public void MoveNext() => Volatile.Write(ref _current, (_current + 1) % _servers.Length);

    /// <summary>The server to dial now, as <c>host:port</c>.</summary>
    public override string ToString() => TcpDialer.Describe(Host, Port);
}
