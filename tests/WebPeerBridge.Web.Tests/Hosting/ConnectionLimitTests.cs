using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using WebPeerBridge.Web.Hosting;

namespace WebPeerBridge.Web.Tests.Hosting;

/// <summary>DESIGN.md, a hostile host harms only itself: TCP connections to the web app per remote address (real Kestrel).</summary>
public sealed class ConnectionLimitTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_connection_beyond_the_limit_from_one_address_is_closed_at_once_while_another_address_loads_pages()
    {
        await using var app = new BridgeAppFactory(new Dictionary<string, string?>
        {
            ["Bridge:MaxConnectionsPerAddress"] = "2",
            ["Urls"] = "http://127.0.0.1:0",
        });
        app.UseKestrel();
        app.StartServer();
        var endpoint = IPEndPoint.Parse(new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Authority);
        var limit = app.Services.GetRequiredService<ConnectionsPerAddress>();

        // Answered requests on kept-alive connections: both are past the limit's check and held.
        using var first = await ConnectAsync("127.0.0.5", endpoint);
        Assert.Equal("HTTP/1.1 200 OK", await RequestAsync(first, "/alive", keepAlive: true));
        using var second = await ConnectAsync("127.0.0.5", endpoint);
        Assert.Equal("HTTP/1.1 200 OK", await RequestAsync(second, "/alive", keepAlive: true));
        Assert.Equal(2, limit.OpenFrom(IPAddress.Parse("127.0.0.5")));
        Assert.True(await ClosedWithoutAnswerAsync("127.0.0.5", endpoint), "the third connection is closed at once");
        Assert.Equal("HTTP/1.1 200 OK", await GetStatusLineAsync("127.0.0.6", endpoint, "/alive"));

        // A held one closed makes room again.
        var countedOut = limit.NextCloseAsync();
        first.Close();
        while (limit.OpenFrom(IPAddress.Parse("127.0.0.5")) != 1)
        {
            // Each close anywhere (the other address's request too) is a signal; look again after each.
            await countedOut.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            countedOut = limit.NextCloseAsync();
        }
        Assert.Equal("HTTP/1.1 200 OK", await GetStatusLineAsync("127.0.0.5", endpoint, "/alive"));
    }

    // Aborted by the server: its end of the stream, or a reset (which may come as soon as the connect), with no byte before it.
    private static async Task<bool> ClosedWithoutAnswerAsync(string from, IPEndPoint to)
    {
        try
        {
            using var socket = await ConnectAsync(from, to);
            return await socket.ReceiveAsync(new byte[64], SocketFlags.None, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct) == 0;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }

    private static async Task<Socket> ConnectAsync(string from, IPEndPoint to)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(from), 0));
        await socket.ConnectAsync(to, Ct);
        return socket;
    }

    private static async Task<string> GetStatusLineAsync(string from, IPEndPoint to, string path)
    {
        using var socket = await ConnectAsync(from, to);
        return await RequestAsync(socket, path, keepAlive: false);
    }

    // The status line of one GET; with keep-alive the whole (small) response is read, so the connection stays usable.
    private static async Task<string> RequestAsync(Socket socket, string path, bool keepAlive)
    {
        var connection = keepAlive ? "keep-alive" : "close";
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: {connection}\r\n\r\n"), SocketFlags.None, Ct);
        var buffer = new byte[8192];
        var received = new StringBuilder();
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
            if (read == 0)
            {
                break;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return received.ToString().Split("\r\n")[0];
    }
}
