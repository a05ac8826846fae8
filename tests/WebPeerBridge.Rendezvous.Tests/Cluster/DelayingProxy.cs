using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace WebPeerBridge.Rendezvous.Tests.Cluster;

/// <summary>
/// A TCP proxy on loopback in front of a NATS server that, once <see cref="Delay"/> is set, hands what the server sends to
/// its clients that much later, in order (a slow or distant link to NATS); what clients send goes through at once. Lets a
/// test have one node fall behind the stream the others already read.
/// </summary>
internal sealed class DelayingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private readonly List<TcpClient> _sockets = [];
    private readonly Task _accepting;
    private long _delayTicks;

    public DelayingProxy(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        _accepting = Task.Run(AcceptLoopAsync);
    }

    public string Url => $"nats://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>How much later what the server sends reaches the clients (from now on).</summary>
    public TimeSpan Delay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _delayTicks));
        set => Interlocked.Exchange(ref _delayTicks, value.Ticks);
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

        await _accepting.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        Task[] pumps;
        lock (_pumps)
        {
            pumps = [.. _pumps];
        }

        await Task.WhenAll(pumps).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var server = new TcpClient();
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }

            lock (_sockets)
            {
                _sockets.Add(client);
                _sockets.Add(server);
            }

            lock (_pumps)
            {
                _pumps.Add(PumpAsync(client.GetStream(), server.GetStream(), delayed: false, client, server));
                _pumps.Add(PumpAsync(server.GetStream(), client.GetStream(), delayed: true, client, server));
            }
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool delayed, TcpClient a, TcpClient b)
    {
        var chunks = Channel.CreateUnbounded<(DateTimeOffset Due, byte[] Data)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var writer = Task.Run(async () =>
        {
            try
            {
                await foreach (var (due, data) in chunks.Reader.ReadAllAsync(_stop.Token))
                {
                    var wait = due - DateTimeOffset.UtcNow;
                    if (wait > TimeSpan.Zero)
                    {
                        // The link's latency, not a wait for something to settle.
                        await Task.Delay(wait, _stop.Token);
                    }

                    await to.WriteAsync(data, _stop.Token);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // The other side closed, or the proxy stops.
                a.Dispose();
                b.Dispose();
            }
        });

        try
        {
            var buffer = new byte[64 * 1024];
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                chunks.Writer.TryWrite((DateTimeOffset.UtcNow + (delayed ? Delay : TimeSpan.Zero), buffer[..read]));
            }

            chunks.Writer.TryComplete();
            await writer;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // One side closed, or the proxy stops: both sides go.
        }
        finally
        {
            chunks.Writer.TryComplete();
            a.Dispose();
            b.Dispose();
        }
    }
}
