using System.Net;
using System.Net.Sockets;

namespace WebPeerBridge.Load.Relay;

/// <summary>
/// The practical limit the rendezvous server is measured against: a byte relay that reads lines and writes them to every
/// client, with no parsing and no validation, but the same shape otherwise (a bounded queue and one batching write loop
/// per client, the bytes of a read shared by every receiver). It greets each client with <c>ready</c>.
/// </summary>
internal sealed class RawRelayServer : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connectionTasks = [];
    private RelayConnection[] _clients = [];
    private Socket? _listener;
    private Task? _acceptLoop;
    private int _disposed;

    /// <summary>Clients connected now.</summary>
    public int ClientCount => Volatile.Read(ref _clients).Length;

    /// <summary>Binds and starts accepting; returns the bound endpoint (port 0 picks one).</summary>
    public IPEndPoint Start(IPEndPoint endpoint)
    {
        var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(endpoint);
        listener.Listen(4096);
        _listener = listener;
        _acceptLoop = Task.Run(() => AcceptLoopAsync(listener, _stop.Token), CancellationToken.None);
        return (IPEndPoint)listener.LocalEndPoint!;
    }

    /// <summary>Queues <paramref name="lines"/> (whole lines) for every client; drops a client whose queue is full.</summary>
    public void Broadcast(ReadOnlyMemory<byte> lines)
    {
        foreach (var client in Volatile.Read(ref _clients))
        {
            if (!client.TryEnqueue(lines))
            {
                client.Close();
            }
        }
    }

    public void Remove(RelayConnection client)
    {
        lock (_gate)
        {
            _clients = [.. _clients.Where(c => c != client)];
        }
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // reset before it was accepted
            }

            socket.NoDelay = true;
            var client = new RelayConnection(socket, this);
            // The greeting is queued before the client is listed, so it comes before any broadcast.
            client.TryEnqueue("ready\n"u8.ToArray());
            lock (_gate)
            {
                _clients = [.. _clients, client];
                _connectionTasks.RemoveAll(t => t.IsCompleted);
                _connectionTasks.Add(client.RunAsync(cancellationToken));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        Task[] tasks;
        lock (_gate)
        {
            foreach (var client in _clients)
            {
                client.Close();
            }

            tasks = [.. _connectionTasks];
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
        _stop.Dispose();
    }
}
