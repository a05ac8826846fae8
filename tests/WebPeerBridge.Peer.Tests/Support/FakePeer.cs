using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace WebPeerBridge.Peer.Tests.Support;

/// <summary>
/// A raw v1 peer on loopback that accepts one link, answers the hello as <see cref="Name"/> and then only records
/// the lines it receives: it never acknowledges. <see cref="DropAsync"/> kills its socket, as a crashed process would.
/// </summary>
public sealed class FakePeer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private Socket? _socket;
    private readonly Task? _serve;

    public FakePeer(string name)
    {
        Name = name;
        _listener.Start();
        _serve = ServeAsync();
    }

    public string Name { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The next line the agent sent after its hello.</summary>
    public async Task<string> NextLineAsync() =>
        await _lines.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Timeouts.Await, TestContext.Current.CancellationToken);

    /// <summary>Resets the connection (no bye), like a process that died.</summary>
    public async Task DropAsync()
    {
        _socket!.LingerState = new LingerOption(true, 0);
        _socket.Close();
        if (_serve is not null)
        {
            await _serve.WaitAsync(Timeouts.Await, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _socket?.Dispose();
        if (_serve is not null)
        {
            await _serve.WaitAsync(Timeouts.Await);
        }
    }

    private async Task ServeAsync()
    {
        try
        {
            _socket = await _listener.AcceptSocketAsync();
            using var stream = new NetworkStream(_socket, ownsSocket: false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var hello = await reader.ReadLineAsync();
            if (hello is null || !hello.Contains("\"hello\"", StringComparison.Ordinal))
            {
                return;
            }

            await stream.WriteAsync(Encoding.UTF8.GetBytes($"{{\"type\":\"hello\",\"version\":1,\"name\":\"{Name}\"}}\n"));
            while (await reader.ReadLineAsync() is { } line)
            {
                await _lines.Writer.WriteAsync(line);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // Dropped or disposed.
        }
        finally
        {
            _lines.Writer.TryComplete();
        }
    }
}
