using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WebPeerBridge.Load.Hostile;

/// <summary>Raw TCP from one loopback address: what a hostile host (or an honest one written by hand) does.</summary>
internal static class AttackerSocket
{
    public static async Task<Socket> ConnectAsync(IPAddress from, IPEndPoint to, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(from, 0));
            await socket.ConnectAsync(to, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static async Task SendAsync(Socket socket, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await socket.SendAsync(bytes, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            bytes = bytes[sent..];
        }
    }

    public static Task SendAsync(Socket socket, string text, CancellationToken cancellationToken) =>
        SendAsync(socket, Encoding.UTF8.GetBytes(text), cancellationToken);

    /// <summary>Reads whatever comes within <paramref name="wait"/>: the bytes read, 0 when the target closed, -1 when nothing came.</summary>
    public static async Task<int> ReadSomeAsync(Socket socket, Memory<byte> buffer, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return -1;
        }
        catch (SocketException)
        {
            return 0;
        }
    }
}
