using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using WebPeerBridge.Peer.Transport;

namespace WebPeerBridge.Peer.Links;

/// <summary>
/// Listens on the first free port of the peer port range. It never speaks first on an accepted connection: it waits
/// for the first bytes (a seed client sends only when its user types <c>to_peer:</c>), then <c>0x16</c> is TLS (a
/// trusted v1 link), <c>{</c> plain protocol v1 and anything else a seed link. Each connection waits on its own task, so a silent one blocks nothing else.
/// </summary>
internal sealed partial class PeerListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly PeerAgentOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<long, (Task Task, Socket Socket)> _accepted = new();
    /// <summary>The first byte of a TLS handshake record.</summary>
    private const int TlsHandshakeRecord = 0x16;

    private LinkTls? _tls;
    private Func<FrameConnection, CancellationToken, Task>? _onV1;
    private Func<FrameConnection, CancellationToken, Task>? _onSeed;
    private Task? _acceptLoop;
    private long _nextId;
    private int _silent;
    private int _disposed;

    private PeerListener(Socket socket, PeerAgentOptions options, TimeProvider time, ILogger logger)
    {
        _socket = socket;
        _options = options;
        _time = time;
        _logger = logger;
        Port = ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    /// <summary>Binds the first free port of the range; null with a sentence when none is free.</summary>
    public static (PeerListener? Listener, string? ErrorCode, string? Error) Bind(PeerAgentOptions options, TimeProvider time, ILogger logger)
    {
        if (!IPAddress.TryParse(options.BindAddress, out var address))
        {
            return (null, JoinErrors.PortRangeExhausted, $"'{options.BindAddress}' is not an IP address to listen on.");
        }

        for (var port = options.PeerPortMin; port <= options.PeerPortMax; port++)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (address.Equals(IPAddress.IPv6Any))
                {
                    socket.DualMode = true;
                }

                socket.Bind(new IPEndPoint(address, port));
                socket.Listen(64);
                return (new PeerListener(socket, options, time, logger), null, null);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
            {
                socket.Dispose();
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                return (null, JoinErrors.PortRangeExhausted, $"Cannot listen on {options.BindAddress}: {ex.Message}");
            }
        }

        var range = options.PeerPortMin == options.PeerPortMax
            ? options.PeerPortMin.ToString(CultureInfo.InvariantCulture)
            : $"{options.PeerPortMin}–{options.PeerPortMax}";
        return (null, JoinErrors.PortRangeExhausted,
            $"Every peer port ({range}) on {options.BindAddress} is taken: close another peer or widen the range.");
    }

    /// <summary>
    /// Starts accepting; each connection goes to the handler of its dialect, which then owns it: TLS (after the
    /// handshake, the connection's <see cref="FrameConnection.PeerKey"/> set) and plain v1 to <paramref name="onV1"/>.
    /// </summary>
    public void Start(LinkTls tls, Func<FrameConnection, CancellationToken, Task> onV1, Func<FrameConnection, CancellationToken, Task> onSeed)
    {
        _tls = tls;
        _onV1 = onV1;
        _onSeed = onSeed;
        _acceptLoop = Task.Run(() => AcceptLoopAsync(_stop.Token), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        foreach (var (_, socket) in _accepted.Values)
        {
            try
            {
                // Ends a pending peek, handshake or read; the connection that owns the socket then closes it.
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Closed already.
            }
        }

        await Task.WhenAll(_accepted.Values.Select(a => a.Task)).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _socket.AcceptAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                if (stop.IsCancellationRequested)
                {
                    return;
                }

                LogAcceptFailed(ex.SocketErrorCode);
                continue;
            }

            SocketTuning.Apply(socket);
            if (Interlocked.Increment(ref _silent) > _options.MaxSilentLinks)
            {
                Interlocked.Decrement(ref _silent);
                LogTooManySilent(Describe(socket));
                socket.Dispose();
                continue;
            }

            var id = Interlocked.Increment(ref _nextId);
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var task = Task.Run(async () =>
            {
                await start.Task.ConfigureAwait(false);
                try
                {
                    await ServeAsync(socket, stop).ConfigureAwait(false);
                }
                finally
                {
                    _accepted.TryRemove(id, out _);
                }
            }, CancellationToken.None);
            _accepted[id] = (task, socket);
            start.SetResult();
        }
    }

    private async Task ServeAsync(Socket socket, CancellationToken stop)
    {
        var remote = Describe(socket);
        var first = -1;
        try
        {
            // Peeked on the socket itself: a TLS link must start its handshake on the very first byte.
            var buffer = new byte[1];
            if (await socket.ReceiveAsync(buffer, SocketFlags.Peek, stop).ConfigureAwait(false) == 1)
            {
                first = buffer[0];
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            first = -1;
        }
        finally
        {
            Interlocked.Decrement(ref _silent);
        }

        if (first < 0 || stop.IsCancellationRequested)
        {
            socket.Dispose();
            return;
        }

        FrameConnection? connection = null;
        FrameConnection? handed = null;
        var socketOwned = true;
        try
        {
            var dialect = first switch { TlsHandshakeRecord => "TLS", '{' => "v1", _ => "seed" };
            LogAccepted(remote, dialect);
            if (first == TlsHandshakeRecord)
            {
                socketOwned = false;
                var tls = await _tls!.AcceptAsync(socket, stop).ConfigureAwait(false);
                if (tls.Connection is null)
                {
                    LogTlsFailed(remote, tls.Failure!.Value);
                    return;
                }

                connection = tls.Connection;
            }
            else
            {
                connection = new FrameConnection(socket, _options.MaxPeerFrameBytes, _options.WriteTimeout, _time);
                socketOwned = false;
            }

            var handler = first == '{' || first == TlsHandshakeRecord ? _onV1! : _onSeed!;
            handed = connection;
            connection = null;
            await handler(handed, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
#pragma warning disable CA1031 // One connection's fault must not stop the listener.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogServeFailed(ex, remote);
            if (handed is not null)
            {
                await handed.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            else if (socketOwned)
            {
                socket.Dispose();
            }
        }
    }

    private static string Describe(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint is IPEndPoint remote
                ? FrameConnection.Unmapped(remote).ToString()
                : "?";
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return "?";
        }
    }

    [LoggerMessage(1, LogLevel.Debug, "Accept failed: {Error}")]
    private partial void LogAcceptFailed(SocketError error);

    [LoggerMessage(2, LogLevel.Debug, "Accepted {Remote} ({Dialect})")]
    private partial void LogAccepted(string remote, string dialect);

    [LoggerMessage(3, LogLevel.Error, "Serving {Remote} failed")]
    private partial void LogServeFailed(Exception exception, string remote);

    [LoggerMessage(4, LogLevel.Warning, "Closed {Remote}: too many connections that sent nothing")]
    private partial void LogTooManySilent(string remote);

    [LoggerMessage(5, LogLevel.Debug, "TLS with {Remote} failed: {Failure}")]
    private partial void LogTlsFailed(string remote, TlsFailure failure);
}
