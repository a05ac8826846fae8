using System.Net.Sockets;

namespace WebPeerBridge.Peer.Transport;

/// <summary>Settings every connection of the agent gets.</summary>
internal static class SocketTuning
{
    public static void Apply(Socket socket)
    {
        socket.NoDelay = true;
        try
        {
            // Direct links have no keepalive frames: let TCP find a peer whose machine vanished.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 30);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 10);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
        }
        catch (SocketException)
        {
            // Best effort: not every platform takes every keepalive option.
        }
    }
}
