using System.Net;
using System.Net.Sockets;

namespace WebPeerBridge.Peer.Transport;

/// <summary>Opens TCP connections with a deadline and turns the usual failures into sentences for the user.</summary>
internal static class TcpDialer
{
    public static async Task<DialResult> ConnectAsync(string host, int port, TimeSpan timeout, TimeProvider time,
        CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var target = Describe(host, port);
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(host, linked.Token).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            return DialResult.Fail($"unknown host '{host}'");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return DialResult.Fail($"'{host}' could not be looked up within {timeout.TotalSeconds:0.#} s");
        }

        if (addresses.Length == 0)
        {
            return DialResult.Fail($"unknown host '{host}'");
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), linked.Token).ConfigureAwait(false);
                SocketTuning.Apply(socket);
                return new DialResult(socket, null);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                return DialResult.Fail($"no answer from {target} within {timeout.TotalSeconds:0.#} s");
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        return DialResult.Fail(last?.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => $"nothing listens on {target} (connection refused)",
            SocketError.HostUnreachable or SocketError.NetworkUnreachable => $"{target} is unreachable from here",
            SocketError.TimedOut => $"no answer from {target}",
            { } code => $"cannot connect to {target} ({code})",
            null => $"cannot connect to {target}",
        });
    }

    public static string Describe(string host, int port) =>
        host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]:{port}" : $"{host}:{port}";
}
