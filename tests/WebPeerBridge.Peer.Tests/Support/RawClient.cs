using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WebPeerBridge.Peer.Tests.Support;

/// <summary>A v1 rendezvous client written by hand: registers a name with any peer port, then says what it is told.</summary>
public sealed class RawClient : IAsyncDisposable
{
    private readonly TcpClient _client = new();
    private StreamReader? _reader;
    private NetworkStream? _stream;

    /// <summary>Registers <paramref name="name"/>; with <paramref name="key"/>, listed with that link key.</summary>
    public static async Task<RawClient> JoinAsync(int serverPort, string name, int peerPort, string? key = null)
    {
        var raw = new RawClient();
        await raw._client.ConnectAsync(IPAddress.Loopback, serverPort, TestContext.Current.CancellationToken);
        raw._stream = raw._client.GetStream();
        raw._reader = new StreamReader(raw._stream, Encoding.UTF8);
        var keyField = key is null ? "" : $",\"key\":\"{key}\"";
        await raw.SendLineAsync($"{{\"type\":\"hello\",\"version\":1,\"name\":\"{name}\",\"peerPort\":{peerPort}{keyField}}}");
        var welcome = await raw.ReadLineAsync();
        Assert.Contains("\"welcome\"", welcome, StringComparison.Ordinal);
        return raw;
    }

    public async Task SendLineAsync(string line) =>
        await _stream!.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), TestContext.Current.CancellationToken);

    public async Task<string?> ReadLineAsync() =>
        await _reader!.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Timeouts.Await, TestContext.Current.CancellationToken);

    public async Task SayAsync(string id, string text) => await SendLineAsync($"{{\"type\":\"say\",\"id\":\"{id}\",\"text\":\"{text}\"}}");

    /// <summary>Says bye (the name is free at once) and closes.</summary>
    public async Task LeaveAsync()
    {
        await SendLineAsync("""{"type":"bye"}""");
        await DisposeAsync();
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    public static int ClosedPort()
    {
        while (true)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            // Never one of the test agents' peer ports: an agent of another test could be listening there a moment later.
            if (port is < Agents.PortMin or > Agents.PortMax)
            {
                return port;
            }
        }
    }
}
