using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;

namespace WebPeerBridge.Load.Hostile;

/// <summary>
/// The floods of the findings, each from the attacker's one address until its token ends it: connect loops that
/// register seed clients named <c>x</c>, silent connections held open, oversized frames, 4,000-character
/// <c>to_peer:</c> lines to a peer's port, page and negotiate requests to the web app.
/// </summary>
internal static class Floods
{
    private static readonly byte[] s_seedX = "x;peer_port=40001"u8.ToArray();
    private static readonly byte[] s_toPeer = Encoding.ASCII.GetBytes("to_peer:" + new string('A', 4000));

    /// <summary>Connect, register a seed client named <c>x</c>, read the answer, close; again and again.</summary>
    public static Task SeedRegistrationsAsync(IPAddress from, IPEndPoint server, int workers, FloodCount count, CancellationToken until) =>
        Loops(workers, async ct =>
        {
            count.Attempt();
            using var socket = await AttackerSocket.ConnectAsync(from, server, ct).ConfigureAwait(false);
            await AttackerSocket.SendAsync(socket, s_seedX, ct).ConfigureAwait(false);
            var buffer = new byte[4096];
            var read = await AttackerSocket.ReadSomeAsync(socket, buffer, TimeSpan.FromSeconds(2), ct).ConfigureAwait(false);
            var answer = read > 0 ? Encoding.UTF8.GetString(buffer, 0, read) : "";
            if (read <= 0 || answer.Contains("too many", StringComparison.OrdinalIgnoreCase) || answer.Contains("too_many", StringComparison.Ordinal))
            {
                count.Refuse();
            }
            else
            {
                count.Accept();
            }
        }, until);

    /// <summary>Connect, send one line far over the frame limit (1 MiB, no newline), wait for the close.</summary>
    public static Task OversizedFramesAsync(IPAddress from, IPEndPoint server, FloodCount count, CancellationToken until)
    {
        var frame = new byte[1 << 20];
        Array.Fill(frame, (byte)'a');
        frame[0] = (byte)'{';
        return Loops(1, async ct =>
        {
            count.Attempt();
            using var socket = await AttackerSocket.ConnectAsync(from, server, ct).ConfigureAwait(false);
            try
            {
                await AttackerSocket.SendAsync(socket, frame, ct).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                // Closed under the send: that is the answer.
            }

            var buffer = new byte[4096];
            while (await AttackerSocket.ReadSomeAsync(socket, buffer, TimeSpan.FromSeconds(5), ct).ConfigureAwait(false) > 0)
            {
            }

            count.Refuse();
        }, until);
    }

    /// <summary>Connect to a peer's port, send <c>to_peer:</c> and 4,000 characters, close; again and again.</summary>
    public static Task ToPeerLinesAsync(IPAddress from, IPEndPoint peer, int workers, FloodCount count, CancellationToken until) =>
        Loops(workers, async ct =>
        {
            count.Attempt();
            using var socket = await AttackerSocket.ConnectAsync(from, peer, ct).ConfigureAwait(false);
            await AttackerSocket.SendAsync(socket, s_toPeer, ct).ConfigureAwait(false);
            var buffer = new byte[256];
            // A refused classic link is closed without a word; a taken one stays open until we close it.
            var read = await AttackerSocket.ReadSomeAsync(socket, buffer, TimeSpan.FromMilliseconds(200), ct).ConfigureAwait(false);
            if (read == 0)
            {
                count.Refuse();
            }
            else
            {
                count.Accept();
            }
        }, until);

    /// <summary>Opens up to <paramref name="target"/> connections that send nothing and keeps them until the end.</summary>
    public static async Task HeldConnectionsAsync(IPAddress from, IPEndPoint to, int target, FloodCount count, CancellationToken until)
    {
        var held = new List<Socket>(target);
        var closedByTarget = new List<Task>(target);
        try
        {
            for (var i = 0; i < target && !until.IsCancellationRequested; i++)
            {
                count.Attempt();
                try
                {
                    var socket = await AttackerSocket.ConnectAsync(from, to, until).ConfigureAwait(false);
                    held.Add(socket);
                    closedByTarget.Add(WatchCloseAsync(socket, count, until));
                }
                catch (SocketException)
                {
                    count.Fail();
                }
            }

            await Task.Delay(Timeout.Infinite, until).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (until.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var socket in held)
            {
                socket.Dispose();
            }

            await Task.WhenAll(closedByTarget).ConfigureAwait(false);
        }
    }

    /// <summary>GET <paramref name="path"/> (or POST when <paramref name="post"/>) in a loop; 2xx counts as taken, 429 as refused.</summary>
    public static Task HttpRequestsAsync(HttpClient client, string path, bool post, int workers, FloodCount count, CancellationToken until) =>
        Loops(workers, async ct =>
        {
            count.Attempt();
            using var request = new HttpRequestMessage(post ? HttpMethod.Post : HttpMethod.Get, path);
            if (post)
            {
                request.Content = new StringContent("");
            }

            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if ((int)response.StatusCode == 429)
            {
                count.Refuse();
            }
            else if (response.IsSuccessStatusCode)
            {
                count.Accept();
            }
            else
            {
                count.Fail();
            }
        }, until);

    /// <summary>An HttpClient whose connections come from <paramref name="from"/>.</summary>
    public static HttpClient HttpFrom(IPAddress from, Uri baseAddress, int connections) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            ConnectCallback = async (context, ct) =>
            {
                var endpoint = (DnsEndPoint)context.DnsEndPoint;
                var socket = await AttackerSocket.ConnectAsync(from, new IPEndPoint(IPAddress.Parse(endpoint.Host), endpoint.Port), ct).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            },
        })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    private static async Task WatchCloseAsync(Socket socket, FloodCount count, CancellationToken until)
    {
        var buffer = new byte[512];
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, until).ConfigureAwait(false);
                if (read == 0)
                {
                    count.Refuse();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (until.IsCancellationRequested)
        {
            count.Accept(); // still open at the end: the target holds it
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            count.Refuse();
        }
    }

    private static Task Loops(int workers, Func<CancellationToken, Task> once, CancellationToken until) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (!until.IsCancellationRequested)
            {
                try
                {
                    await once(until).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (until.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is SocketException or IOException or HttpRequestException or OperationCanceledException)
                {
                    // Refused at connect, reset, timed out: the flood goes on, the count shows the rest.
                }
            }
        }, CancellationToken.None)));
}
