using System.Net.Sockets;

namespace WebPeerBridge.Peer.Transport;

/// <summary>A connected socket, or a sentence saying why there is none.</summary>
internal readonly record struct DialResult(Socket? Socket, string? Error)
{
    public static DialResult Fail(string error) => new(null, error);
}
