using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Serialization;
using WebPeerBridge.Rendezvous.Fanout;
using WebPeerBridge.Rendezvous.Limits;

namespace WebPeerBridge.Rendezvous.Connections;

/// <summary>
/// What every client connection has, whatever its dialect: the socket, a read loop (the dialect's), a bounded outbox
/// drained by one write loop, timeouts checked by the server's sweep, and one way to close.
/// </summary>
internal abstract partial class ClientConnection : IHubClient, IAsyncDisposable
{
    private readonly ClientOutbox _outbox;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource<bool> _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _readLoopDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _paceGate = new();
    private readonly AddressLease _lease;
    private int _saysInFlight;
    private TaskCompletionSource? _echoed;
    private long _lastReceived;
    private long _flushStarted;
    private int _closeRequested;
    private int _started;
    private Outbound? _finalFrame;
    private WelcomeLine? _welcome;
    private Task? _writeLoop;

    protected ClientConnection(string connectionId, Socket socket, PipeReader input, RendezvousHub hub, AddressLease lease,
        RendezvousOptions options, TimeProvider time, ILogger logger)
    {
        _lease = lease;
        ConnectionId = connectionId;
        Socket = socket;
        Input = input;
        Hub = hub;
        Options = options;
        Time = time;
        _logger = logger;
        Output = PipeWriter.Create(new NetworkStream(socket, ownsSocket: false), new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024));
        RemoteHost = lease.Address.ToString();
        _lastReceived = time.GetTimestamp();
        _outbox = new ClientOutbox(options.ClientQueueFrames, options.ClientQueueBytes);
        // SendNow's sends must never wait on the hub's thread (NetworkStream refuses a non-blocking socket only when made).
        socket.Blocking = false;
    }

    public string ConnectionId { get; }

    public abstract string Protocol { get; }

    public string? RegisteredName { get; private set; }

    /// <summary>How this client will be announced as left if it goes now.</summary>
    protected string LeaveReason { get; set; } = LeftReasons.Error;

    protected Socket Socket { get; }

    protected PipeReader Input { get; }

    protected PipeWriter Output { get; }

    protected RendezvousHub Hub { get; }

    protected RendezvousOptions Options { get; }

    protected TimeProvider Time { get; }

    protected ILogger Logger => _logger;

    /// <summary>The address the server sees, IPv4-mapped IPv6 unmapped.</summary>
    protected string RemoteHost { get; }

    /// <summary>
    /// Whether the connection is to close. A read loop checks it before each frame: cancelling the pending read does not
    /// stop one that still has frames buffered (a flooding client always has).
    /// </summary>
    protected bool IsCloseRequested => Volatile.Read(ref _closeRequested) != 0;

    /// <summary>Cancelled when the connection closes.</summary>
    protected CancellationToken Closing => _closing.Token;

    /// <summary>Completes with true once the hub accepted the hello, false when it refused it.</summary>
    protected Task<bool> Registered => _registered.Task;

    /// <summary>Whether this dialect is dropped after <see cref="RendezvousOptions.IdleTimeout"/> of silence.</summary>
    protected virtual bool HasIdleTimeout => true;

    /// <summary>Runs the connection until it closes; never throws.</summary>
    public async Task RunAsync(CancellationToken helloDeadline)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            // Disposed (server shutdown) before it ran.
            return;
        }

        _writeLoop = Task.Run(() => WriteLoopGuardedAsync(_closing.Token), CancellationToken.None);
        try
        {
            await ReadLoopAsync(helloDeadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            LogConnectionFault(ConnectionId, ex.Message);
        }
        catch (Exception ex)
        {
            LogConnectionFailed(ex, ConnectionId);
        }
        finally
        {
            _readLoopDone.TrySetResult();
            if (RegisteredName is not null)
            {
                await Hub.LeaveAsync(this, LeaveReason, CancellationToken.None).ConfigureAwait(false);
            }

            await CloseAsync().ConfigureAwait(false);
        }
    }

    public bool TryEnqueue(in Outbound frame)
    {
        if (Volatile.Read(ref _closeRequested) != 0)
        {
            return true;
        }

        // Refused by a full queue, or completed by a close that came meanwhile (then dropped like the check above).
        return _outbox.TryWrite(frame) || _outbox.IsCompleted;
    }

    public void Accept(PeerInfo you, WelcomeLine welcome)
    {
        RegisteredName = you.Name;
        // The welcome is the first frame this client sees: it is queued before the hub sends anything else. The queue
        // holds its frame; a write loop that writes lines takes its line from TakeWelcome (a seed one renders the frame).
        if (welcome.Length > 0)
        {
            Volatile.Write(ref _welcome, welcome);
        }

        _ = TryEnqueue(Outbound.Unrendered(welcome.Frame));
        OnAccepted(you);
        _registered.TrySetResult(true);
    }

    public void Refuse(string code, string message)
    {
        SetFinalError(code, message);
        _registered.TrySetResult(false);
    }

    public void Abort(string code, string message)
    {
        // The hub announced it already; the read loop's finally finds it gone and announces nothing.
        SetFinalError(code, message);
        RequestClose();
    }

    public void Replace()
    {
        LogReplaced(ConnectionId, RegisteredName);
        RequestClose();
    }

    /// <summary>Checks the timeouts; called by the server's sweep.</summary>
    public void Sweep()
    {
        if (Volatile.Read(ref _closeRequested) != 0)
        {
            // Closing already (its write loop may stay stuck for a moment): judged once, logged once.
            return;
        }

        var flushStarted = Volatile.Read(ref _flushStarted);
        if (flushStarted != 0 && Time.GetElapsedTime(flushStarted) > Options.SendTimeout)
        {
            LogSendTimeout(ConnectionId, RegisteredName);
            LeaveReason = LeftReasons.Error;
            SetFinalError(ErrorCodes.SlowConsumer, "Your connection took nothing for too long.");
            RequestClose();
            return;
        }

        if (HasIdleTimeout && RegisteredName is not null && Time.GetElapsedTime(Volatile.Read(ref _lastReceived)) > Options.IdleTimeout)
        {
            LogIdle(ConnectionId, RegisteredName);
            LeaveReason = LeftReasons.Timeout;
            SetFinalError(ErrorCodes.IdleTimeout, $"Nothing received for {Options.IdleTimeout.TotalSeconds:0.#} s.");
            RequestClose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        RequestClose();
        await CloseAsync().ConfigureAwait(false);
    }

    /// <summary>The dialect's read loop. Returns, or throws on a fault, when the connection should close.</summary>
    protected abstract Task ReadLoopAsync(CancellationToken helloDeadline);

    /// <summary>The dialect's write loop: drains <paramref name="outbox"/> to the socket until it completes.</summary>
    protected abstract Task WriteLoopAsync(ClientOutbox outbox, CancellationToken cancellationToken);

    /// <summary>Renders a frame sent outside the hub (an error, a pong) the dialect's way.</summary>
    protected abstract Outbound Render(Frame frame);

    protected virtual void OnAccepted(PeerInfo you)
    {
    }

    /// <summary>The welcome accepted, once (the write loop, when its frame comes out of the queue).</summary>
    protected WelcomeLine? TakeWelcome() => Interlocked.Exchange(ref _welcome, null);

    protected void MarkReceived() => Volatile.Write(ref _lastReceived, Time.GetTimestamp());

    /// <summary>Sends a frame outside the hub's fan-out (pong, a non-fatal error).</summary>
    protected void Send(Frame frame)
    {
        if (!TryEnqueue(Render(frame)))
        {
            // Our own replies overflowing the queue: the client is not reading.
            Abort(ErrorCodes.SlowConsumer, "Too many messages were waiting for you.");
        }
    }

    /// <summary>
    /// Counts this connection's hello against its address's registration limits (released when it closes); when one is
    /// reached, the connection is to close with <c>too_many</c>.
    /// </summary>
    protected bool TryCountRegistration()
    {
        var verdict = _lease.TryRegister();
        if (verdict == LimitVerdict.Allowed)
        {
            return true;
        }

        SetFinalError(ErrorCodes.TooMany, LimitMessages.For(verdict, Options));
        return false;
    }

    /// <summary>Closes after sending <paramref name="code"/> as the last frame.</summary>
    protected void SetFinalError(string code, string message) =>
        _finalFrame ??= Render(new ErrorFrame(code, message));

    protected void RequestClose()
    {
        if (Interlocked.Exchange(ref _closeRequested, 1) == 0)
        {
            TaskCompletionSource? echoed;
            lock (_paceGate)
            {
                echoed = _echoed;
                _echoed = null;
            }

            // A read loop waiting in PaceSayAsync sees the close; the writer may never write its echo now.
            echoed?.TrySetResult();
            _outbox.Complete();
            // The read loop stops; the write loop drains what is queued (CloseAsync bounds how long).
            Input.CancelPendingRead();
        }
    }

    // Called by the dialects' write loops for each frame taken: an echo of our own say lets the next one through (PaceSayAsync).
    protected void Dequeued(in Outbound frame)
    {
        // An own say ends either as its said or, when the log cannot store it, as unavailable with its id.
        if (frame.Echoes > 0)
        {
            TaskCompletionSource? echoed;
            lock (_paceGate)
            {
                _saysInFlight = Math.Max(0, _saysInFlight - frame.Echoes);
                echoed = _echoed;
                _echoed = null;
            }

            echoed?.TrySetResult();
        }
    }

    /// <summary>
    /// Waits until fewer than <see cref="RendezvousOptions.MaxSaysInFlight"/> of this client's says are on their way (not yet
    /// written back to it as its <c>said</c>). Without it, one client pasting thousands of lines fills every other client's
    /// queue faster than their write loops run, and the hub drops them all as slow consumers. A client that sends and
    /// never reads waits here until the send timeout drops it (closing releases the wait).
    /// </summary>
    /// <returns>False when the connection is closing: the say is not handed over, and the read loop's next read ends.</returns>
    protected async ValueTask<bool> PaceSayAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task echoed;
            lock (_paceGate)
            {
                if (Volatile.Read(ref _closeRequested) != 0)
                {
                    return false;
                }

                if (_saysInFlight < Options.MaxSaysInFlight)
                {
                    _saysInFlight++;
                    return true;
                }

                _echoed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                echoed = _echoed.Task;
            }

            await echoed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends <paramref name="line"/> straight from its buffer with one non-blocking send, when nothing is waiting in
    /// <see cref="Output"/> (the order holds); what the socket does not take now goes into <see cref="Output"/>, for the
    /// next <see cref="FlushAsync"/> to wait for (and the send timeout to judge) as any other write.
    /// </summary>
    protected void SendNow(ReadOnlySpan<byte> line)
    {
        var sent = Socket.Send(line, SocketFlags.None, out var error);
        if (error is not (SocketError.Success or SocketError.WouldBlock))
        {
            throw new SocketException((int)error);
        }

        if (sent < line.Length)
        {
            Output.Write(line[Math.Max(0, sent)..]);
        }
    }

    protected async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var flush = Output.FlushAsync(cancellationToken);
        if (flush.IsCompletedSuccessfully)
        {
            return;
        }

        Volatile.Write(ref _flushStarted, Math.Max(1, Time.GetTimestamp()));
        try
        {
            await flush.ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _flushStarted, 0);
        }
    }

    private async Task WriteLoopGuardedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await WriteLoopAsync(_outbox, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            LogConnectionFault(ConnectionId, ex.Message);
        }
        finally
        {
            // A write fault ends the read loop too.
            RequestClose();
        }
    }

    private int _closed;

    private async Task CloseAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        RequestClose();
        _registered.TrySetResult(false);
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _readLoopDone.TrySetResult();
        }

        var writeLoop = _writeLoop ?? Task.CompletedTask;
        try
        {
            // A healthy client gets what is queued and the closing error; a stuck one is cut off.
            await writeLoop.WaitAsync(Options.ClosingDrainTimeout, Time).ConfigureAwait(false);
            if (_finalFrame is { } final)
            {
                Output.Write(final.Line.Span);
                await Output.FlushAsync(CancellationToken.None).AsTask().WaitAsync(Options.LastLineTimeout, Time).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or SocketException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            // Best effort: the peer may be gone or not reading.
        }

        await _closing.CancelAsync().ConfigureAwait(false);
        // Released before the client can see the close: it may connect again at once.
        _lease.Dispose();
        try
        {
            Socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer.
        }
        catch (ObjectDisposedException)
        {
        }

        // Closing from outside (server shutdown): the read loop may still be using Input; it ends now that Closing is
        // cancelled and the socket shut down. Completing the pipes under it made its next read throw.
        await _readLoopDone.Task.WaitAsync(Options.StopTimeout, Time).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        writeLoop = _writeLoop ?? Task.CompletedTask;
        try
        {
            await writeLoop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }

        try
        {
            await Input.CompleteAsync().ConfigureAwait(false);
            // Completing flushes what a failed write loop left behind: to a socket that is shut down or reset by now.
            await Output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // Best effort: the peer is gone.
        }

        Socket.Dispose();
        LogClosed(ConnectionId, RegisteredName);
    }

    [LoggerMessage(100, LogLevel.Debug, "{ConnectionId} fault: {Message}")]
    private partial void LogConnectionFault(string connectionId, string message);

    [LoggerMessage(101, LogLevel.Error, "{ConnectionId} failed")]
    private partial void LogConnectionFailed(Exception exception, string connectionId);

    [LoggerMessage(102, LogLevel.Information, "{ConnectionId} ({Name}) replaced by a reconnect")]
    private partial void LogReplaced(string connectionId, string? name);

    [LoggerMessage(103, LogLevel.Warning, "{ConnectionId} ({Name}) dropped: its socket took nothing for too long")]
    private partial void LogSendTimeout(string connectionId, string? name);

    [LoggerMessage(104, LogLevel.Information, "{ConnectionId} ({Name}) dropped: idle")]
    private partial void LogIdle(string connectionId, string name);

    [LoggerMessage(105, LogLevel.Debug, "{ConnectionId} ({Name}) closed")]
    private partial void LogClosed(string connectionId, string? name);
}
