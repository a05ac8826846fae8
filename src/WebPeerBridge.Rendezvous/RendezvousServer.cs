using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Serialization;
using WebPeerBridge.Rendezvous.Cluster;
using WebPeerBridge.Rendezvous.Connections;
using WebPeerBridge.Rendezvous.Fanout;
using WebPeerBridge.Rendezvous.History;
using WebPeerBridge.Rendezvous.Limits;
using WebPeerBridge.Rendezvous.Presence;

namespace WebPeerBridge.Rendezvous;

/// <summary>
/// The rendezvous server: accepts TCP connections, lets the first byte choose the dialect (<c>{</c> is protocol v1),
/// and hands each connection to the hub. Runs as a hosted service; stopping it closes every connection and
/// flushes the history, so no accepted broadcast is lost.
/// </summary>
public sealed partial class RendezvousServer : BackgroundService
{
    private readonly RendezvousOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<RendezvousServer> _logger;
    private readonly IBroadcastLog _log;
    private readonly RendezvousHub _hub;
    private readonly AddressLimits _limits;
    private readonly ConcurrentDictionary<long, ClientConnection> _connections = new();
    private readonly ConcurrentDictionary<long, Task> _connectionTasks = new();
    private readonly TaskCompletionSource<IPEndPoint> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextConnectionId;
    private int _refusalsWaiting;

    public RendezvousServer(IOptions<RendezvousOptions> options, TimeProvider time, ILoggerFactory loggerFactory, IBroadcastLog? log = null,
        IPresenceStore? presence = null)
    {
        _options = options.Value;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<RendezvousServer>();
        // With a NATS URL every store lives in JetStream (Cluster/): the stream's log owns the connection.
        var cluster = log is null && _options.Nats.Enabled ? new NatsCluster(_options, time, loggerFactory) : null;
        _log = log ?? (IBroadcastLog?)cluster?.Log ?? new SqliteBroadcastLog(_options.HistoryPath, _options.HistoryWriteTimeout, loggerFactory.CreateLogger<SqliteBroadcastLog>());
        _limits = new AddressLimits(_options, time, loggerFactory.CreateLogger<AddressLimits>());
        _hub = new RendezvousHub(_log, presence ?? new InMemoryPresenceStore(), _options, time, loggerFactory.CreateLogger<RendezvousHub>(), cluster);
    }

    /// <summary>The endpoint the server listens on, once it listens (port 0 in the options becomes the real port).</summary>
    public IPEndPoint? LocalEndPoint => _started.Task.IsCompletedSuccessfully ? _started.Task.Result : null;

    /// <summary>Whether the listener is bound and accepting.</summary>
    public bool IsListening => LocalEndPoint is not null && !_stopped;

    /// <summary>Number of registered clients.</summary>
    public int OnlineCount => _hub.OnlineCount;

    /// <summary>The <c>seq</c> of the newest broadcast.</summary>
    public long LastSeq => _log.LastSeq;

    private volatile bool _stopped;

    /// <summary>Completes with the bound endpoint once the server listens; faults if it could not start.</summary>
    public Task<IPEndPoint> WaitUntilListeningAsync(CancellationToken cancellationToken) => _started.Task.WaitAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Socket listener;
        try
        {
            await _log.InitializeAsync(stoppingToken).ConfigureAwait(false);
            await _hub.StartAsync(stoppingToken).ConfigureAwait(false);
            listener = Listen();
        }
        catch (Exception ex)
        {
            // Stopped while it waited (a clustered node waits for NATS): no failure, but nothing left running either.
            if (ex is OperationCanceledException && stoppingToken.IsCancellationRequested)
            {
                _started.TrySetCanceled(stoppingToken);
            }
            else
            {
                LogStartFailed(ex, _options.BindAddress, _options.Port);
                _started.TrySetException(ex);
            }

            await _hub.DisposeAsync().ConfigureAwait(false);
            await _log.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var endpoint = (IPEndPoint)listener.LocalEndPoint!;
        LogListening(endpoint.Address.ToString(), endpoint.Port);
        _started.TrySetResult(endpoint);

        using var sweep = _time.CreateTimer(_ => SweepConnections(), null, _options.SweepInterval, _options.SweepInterval);
        try
        {
            await AcceptLoopAsync(listener, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            _stopped = true;
            listener.Dispose();
            await ShutdownAsync().ConfigureAwait(false);
        }
    }

    private Socket Listen()
    {
        var address = IPAddress.Parse(_options.BindAddress);
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                listener.DualMode = true;
            }

            listener.Bind(new IPEndPoint(address, _options.Port));
            listener.Listen(1024);
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                // A connection reset before we accepted it; keep serving.
                LogAcceptFailed(ex.SocketErrorCode);
                continue;
            }

            socket.NoDelay = true;
            var id = Interlocked.Increment(ref _nextConnectionId);
            var address = AddressLimits.Normalize(((IPEndPoint)socket.RemoteEndPoint!).Address);
            var verdict = _limits.TryOpenConnection(address, out var lease);
            if (lease is null)
            {
                _limits.Refused(address, verdict);
                Refuse(id, socket, verdict, stoppingToken);
                continue;
            }

            _connectionTasks[id] = Task.Run(() => ServeAsync(id, socket, lease, stoppingToken), CancellationToken.None);
        }
    }

    /// <summary>
    /// Answers a connection over a limit with <c>too_many</c> in its dialect, which its first byte tells; at most
    /// <see cref="RendezvousOptions.MaxRefusalsWaiting"/> wait for it at once, the others are closed without a word.
    /// </summary>
    private void Refuse(long id, Socket socket, LimitVerdict verdict, CancellationToken stoppingToken)
    {
        if (Interlocked.Increment(ref _refusalsWaiting) > _options.MaxRefusalsWaiting)
        {
            Interlocked.Decrement(ref _refusalsWaiting);
            socket.Dispose();
            return;
        }

        _connectionTasks[id] = Task.Run(async () =>
        {
            try
            {
                await RefuseAsync(socket, verdict, stoppingToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _refusalsWaiting);
                _connectionTasks.TryRemove(id, out _);
            }
        }, CancellationToken.None);
    }

    private async Task RefuseAsync(Socket socket, LimitVerdict verdict, CancellationToken stoppingToken)
    {
        using var helloDeadline = new CancellationTokenSource(_options.HelloTimeout, _time);
        // A stop does not wait for refused clients to speak.
        using var stopping = stoppingToken.Register(helloDeadline.Cancel);
        var input = PipeReader.Create(new NetworkStream(socket, ownsSocket: false),
            new StreamPipeReaderOptions(bufferSize: 256, minimumReadSize: 256, useZeroByteReads: true));
        try
        {
            if (await PeekDialectAsync(input, helloDeadline.Token).ConfigureAwait(false) is { } dialect)
            {
                var error = new ErrorFrame(ErrorCodes.TooMany, LimitMessages.For(verdict, _options));
                var line = dialect == PeerProtocols.V1
                    ? FrameCodec.ToLine(error)
                    : System.Text.Encoding.UTF8.GetBytes(SeedNotices.Error(error) + "\n");
                await socket.SendAsync(line, SocketFlags.None).WaitAsync(_options.LastLineTimeout, _time, stoppingToken).ConfigureAwait(false);
                socket.Shutdown(SocketShutdown.Both);
            }
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException or ObjectDisposedException)
        {
            // The client is gone or not reading.
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await input.CompleteAsync().ConfigureAwait(false);
            socket.Dispose();
        }
    }

    private async Task ServeAsync(long id, Socket socket, AddressLease lease, CancellationToken stoppingToken)
    {
        var connectionId = "c" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var helloDeadline = new CancellationTokenSource(_options.HelloTimeout, _time);
        // Zero-byte reads: an idle connection holds no read buffer until bytes arrive.
        var input = PipeReader.Create(new NetworkStream(socket, ownsSocket: false),
            new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1024, useZeroByteReads: true));
        try
        {
            var dialect = await PeekDialectAsync(input, helloDeadline.Token).ConfigureAwait(false);
            if (dialect is null)
            {
                await CloseEarlyAsync(socket, input, connectionId, helloDeadline.IsCancellationRequested).ConfigureAwait(false);
                return;
            }

            ClientConnection connection = dialect == PeerProtocols.V1
                ? new V1ClientConnection(connectionId, socket, input, _hub, lease, _options, _time, _loggerFactory.CreateLogger<V1ClientConnection>())
                : new SeedClientConnection(connectionId, socket, input, _hub, lease, _options, _time, _loggerFactory.CreateLogger<SeedClientConnection>());
            _connections[id] = connection;
            try
            {
                await connection.RunAsync(helloDeadline.Token).ConfigureAwait(false);
            }
            finally
            {
                _connections.TryRemove(id, out _);
            }
        }
        catch (Exception ex)
        {
            LogServeFailed(ex, connectionId);
            socket.Dispose();
        }
        finally
        {
            lease.Dispose();
            _connectionTasks.TryRemove(id, out _);
        }

        _ = stoppingToken;
    }

    /// <summary>Waits for the first byte: <c>{</c> is protocol v1, anything else the seed client. Null: nothing came.</summary>
    private static async Task<string?> PeekDialectAsync(PipeReader input, CancellationToken helloDeadline)
    {
        try
        {
            var result = await input.ReadAsync(helloDeadline).ConfigureAwait(false);
            if (result.Buffer.IsEmpty)
            {
                input.AdvanceTo(result.Buffer.Start);
                return null;
            }

            var first = result.Buffer.FirstSpan[0];
            input.AdvanceTo(result.Buffer.Start); // consume nothing: the dialect's reader reads it again
            return first == (byte)'{' ? PeerProtocols.V1 : PeerProtocols.Seed;
        }
        catch (OperationCanceledException) when (helloDeadline.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            return null;
        }
    }

    private async Task CloseEarlyAsync(Socket socket, PipeReader input, string connectionId, bool timedOut)
    {
        if (timedOut)
        {
            LogEarlyHelloTimeout(connectionId);
            try
            {
                var line = FrameCodec.ToLine(new ErrorFrame(ErrorCodes.HelloTimeout, $"No hello within {_options.HelloTimeout.TotalSeconds:0.#} s."));
                await socket.SendAsync(line, SocketFlags.None).WaitAsync(_options.LastLineTimeout, _time).ConfigureAwait(false);
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or TimeoutException or ObjectDisposedException)
            {
                // The client is gone or not reading.
            }
        }

        await input.CompleteAsync().ConfigureAwait(false);
        socket.Dispose();
    }

    private void SweepConnections()
    {
        foreach (var connection in _connections.Values)
        {
            connection.Sweep();
        }
    }

    private async Task ShutdownAsync()
    {
        LogStopping(_connections.Count);
        foreach (var connection in _connections.Values)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(_connectionTasks.Values).WaitAsync(_options.StopTimeout, _time).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        // The hub finishes the commands it has; then the log stores every accepted broadcast.
        await _hub.DisposeAsync().ConfigureAwait(false);
        await _log.DisposeAsync().ConfigureAwait(false);
        LogStopped(_log.LastSeq);
    }

    [LoggerMessage(1, LogLevel.Information, "Rendezvous server listening on {Address}:{Port}")]
    private partial void LogListening(string address, int port);

    [LoggerMessage(2, LogLevel.Critical, "Rendezvous server could not start on {Address}:{Port}")]
    private partial void LogStartFailed(Exception exception, string address, int port);

    [LoggerMessage(3, LogLevel.Debug, "Accept failed: {Error}")]
    private partial void LogAcceptFailed(SocketError error);

    [LoggerMessage(4, LogLevel.Error, "{ConnectionId} failed")]
    private partial void LogServeFailed(Exception exception, string connectionId);

    [LoggerMessage(5, LogLevel.Information, "{ConnectionId} sent nothing in time")]
    private partial void LogEarlyHelloTimeout(string connectionId);

    [LoggerMessage(6, LogLevel.Information, "Rendezvous server stopping; closing {Count} connections")]
    private partial void LogStopping(int count);

    [LoggerMessage(7, LogLevel.Information, "Rendezvous server stopped; history stored up to seq {LastSeq}")]
    private partial void LogStopped(long lastSeq);
}
