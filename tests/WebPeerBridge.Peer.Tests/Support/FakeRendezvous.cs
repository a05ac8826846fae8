using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace WebPeerBridge.Peer.Tests.Support;

/// <summary>
/// A rendezvous server written by hand, for what a real one does not do on demand: stay silent, refuse a say. Welcomes
/// every hello (token <c>t1</c>, <c>t2</c>…), records every line, and answers each line with <see cref="Reply"/>.
/// </summary>
public sealed class FakeRendezvous : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _sockets = [];
    private readonly Task _accept;
    private int _connections;

    public FakeRendezvous(string peersJson = "[]")
    {
        PeersJson = peersJson;
        _listener.Start();
        _accept = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string PeersJson { get; }

    /// <summary>The answer to a line after the hello, or null for none.</summary>
    public Func<JsonElement, string?> Reply { get; set; } = _ => null;

    private NetworkStream? Current { get; set; }

    /// <summary>The next line any client sent (hellos included).</summary>
    public async Task<JsonElement> NextLineAsync()
    {
        var line = await _lines.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Timeouts.Await, TestContext.Current.CancellationToken);
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    /// <summary>The next line of the given type, skipping others.</summary>
    public async Task<JsonElement> NextAsync(string type)
    {
        while (true)
        {
            var line = await NextLineAsync();
            if (line.GetProperty("type").GetString() == type)
            {
                return line;
            }
        }
    }

    public async Task SendAsync(string line) =>
        await Current!.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), TestContext.Current.CancellationToken);

    /// <summary>Resets the current connection, as a server that crashed would: the agent reconnects.</summary>
    public void DropCurrent()
    {
        lock (_sockets)
        {
            var socket = _sockets[^1];
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }

        await _accept.WaitAsync(Timeouts.Await);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var serving = new List<Task>();
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_sockets)
                {
                    _sockets.Add(socket);
                }

                serving.Add(ServeAsync(socket, Interlocked.Increment(ref _connections)));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(serving);
    }

    private async Task ServeAsync(Socket socket, int number)
    {
        try
        {
            var stream = new NetworkStream(socket, ownsSocket: false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var hello = await reader.ReadLineAsync(_stop.Token);
            if (hello is null)
            {
                return;
            }

            var name = JsonDocument.Parse(hello).RootElement.GetProperty("name").GetString();
            var port = JsonDocument.Parse(hello).RootElement.GetProperty("peerPort").GetInt32();
            Current = stream;
            await SendAsync($$"""{"type":"welcome","you":{"name":"{{name}}","host":"127.0.0.1","port":{{port}},"since":"2026-01-01T00:00:00Z","protocol":"v1"},"token":"t{{number}}","peers":{{PeersJson}},"history":[]}""");
            // The hello is seen once its welcome is out: a test that answers a hello sends on this connection, after it.
            await _lines.Writer.WriteAsync(hello);
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                await _lines.Writer.WriteAsync(line);
                if (Reply(JsonDocument.Parse(line).RootElement) is { } answer)
                {
                    await SendAsync(answer);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
    }
}
