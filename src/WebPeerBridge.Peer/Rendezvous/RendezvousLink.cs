using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using WebPeerBridge.Peer.Transport;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Framing;
using WebPeerBridge.Protocol.Validation;

namespace WebPeerBridge.Peer.Rendezvous;

/// <summary>
/// The agent's link to the rendezvous server: hello with <c>since</c> and <c>resume</c>, welcome, a ping after
/// <see cref="PeerAgentOptions.PingInterval"/> without sending, and after a fault a reconnect paced by an
/// <see cref="IReconnectPolicy"/>. Each welcome opens a new session number, so a sender can tell whether what it wrote
/// went out on the connection that is online now. If the very first connection fails, it stops: the join screen wants
/// a clear answer, not endless retries.
/// </summary>
internal sealed partial class RendezvousLink : IAsyncDisposable
{
    private readonly PeerAgentOptions _options;
    private readonly RendezvousServerList _servers;
    private readonly IRendezvousHandler _handler;
    private readonly IReconnectPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string? _key;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<JoinResult> _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RendezvousState _state = RendezvousState.Connecting;
    private string? _detail;
    private FrameConnection? _connection;
    private int _session;
    private string? _token;
    private string? _closeReason;
    private int _peerPort;
    private Task? _loop;
    private int _disposed;

    /// <summary>The resume token of the last welcome (or of the restored snapshot): it takes the name back.</summary>
    public string? ResumeToken
    {
        get
        {
            lock (_gate)
            {
                return _token;
            }
        }
    }

    public RendezvousLink(PeerAgentOptions options, string? key, IRendezvousHandler handler, IReconnectPolicy policy, TimeProvider time,
        ILogger logger)
    {
        _key = key;
        _token = options.Restore?.ResumeToken;
        _options = options;
        _servers = RendezvousServerList.From(options);
        _handler = handler;
        _policy = policy;
        _time = time;
        _logger = logger;
    }

    public RendezvousState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public string? StateDetail
    {
        get
        {
            lock (_gate)
            {
                return _detail;
            }
        }
    }

    /// <summary>The number of the session that is online now; 0 when offline.</summary>
    public int OnlineSession
    {
        get
        {
            lock (_gate)
            {
                return _state == RendezvousState.Online ? _session : 0;
            }
        }
    }

    private string Server => _servers.ToString();

    /// <summary>Starts the loop; completes at the first welcome, or when the first connection fails.</summary>
    public Task<JoinResult> StartAsync(int peerPort, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_loop is not null)
            {
                throw new InvalidOperationException("The rendezvous link is already started.");
            }

            _peerPort = peerPort;
            _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        }

        return _joined.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Writes <paramref name="frame"/> if <paramref name="session"/> is still online; false otherwise.</summary>
    public async ValueTask<bool> TrySendAsync(Frame frame, int session, CancellationToken cancellationToken)
    {
        FrameConnection? connection;
        lock (_gate)
        {
            connection = _state == RendezvousState.Online && _session == session ? _connection : null;
        }

        if (connection is null)
        {
            return false;
        }

        try
        {
            await connection.SendAsync(frame, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            LogSendFailed(ex.Message);
            connection.Abort();
            return false;
        }
    }

    /// <summary>Says bye when online, then stops for good. The state becomes closed.</summary>
    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        FrameConnection? connection;
        lock (_gate)
        {
            _closeReason ??= "You left the network.";
            connection = _state == RendezvousState.Online ? _connection : null;
        }

        if (connection is not null)
        {
            try
            {
                await connection.SendAsync(Bye.Instance, cancellationToken).AsTask().WaitAsync(_options.ByeTimeout, _time, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or TimeoutException)
            {
                // Leaving anyway: the server notices the closed connection.
            }
        }

        await StopAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task StopAsync()
    {
        Task? loop;
        FrameConnection? connection;
        lock (_gate)
        {
            _closeReason ??= "Closed.";
            loop = _loop;
            connection = _connection;
        }

        try
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }

        connection?.Abort();
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        SetState(RendezvousState.Closed, _closeReason);
        _joined.TrySetResult(new JoinResult(false, JoinErrors.Unreachable, _closeReason));
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var everOnline = false;
        var attempts = 0;
        var untried = _servers.Count - 1;
        var offlineSince = _time.GetTimestamp();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var outcome = await ConnectOnceAsync(everOnline, stop).ConfigureAwait(false);
                if (stop.IsCancellationRequested)
                {
                    return;
                }

                if (outcome.WasOnline)
                {
                    everOnline = true;
                    attempts = 0;
                    offlineSince = _time.GetTimestamp();
                    LogDropped(outcome.Message);
                }

                if (!everOnline && outcome.ErrorCode == JoinErrors.Unreachable && untried-- > 0)
                {
                    // The first join tries every server on the list before it fails.
                    _servers.MoveNext();
                    continue;
                }

                if (!everOnline)
                {
                    LogJoinFailed(Server, outcome.ErrorCode, outcome.Message);
                    Close(outcome.Message);
                    _joined.TrySetResult(new JoinResult(false, outcome.ErrorCode ?? JoinErrors.Unreachable, outcome.Message));
                    return;
                }

                if (outcome.IsFatal)
                {
                    LogGaveUp(outcome.Message);
                    Close(outcome.Message);
                    return;
                }

                // A failed node: the next server on the list (with one server, the same one again).
                _servers.MoveNext();
                var delay = _policy.NextRetryDelay(new ReconnectContext(attempts++, _time.GetElapsedTime(offlineSince), outcome.Message));
                if (delay is not { } wait)
                {
                    LogGaveUp(outcome.Message);
                    Close($"{outcome.Message} Gave up reconnecting.");
                    return;
                }

                SetState(RendezvousState.Reconnecting, $"{outcome.Message} Retrying in {wait.TotalSeconds:0.#} s.");
                await Task.Delay(wait, _time, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // The loop's boundary: a bug must not leave the agent hanging in "connecting".
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogLoopFailed(ex);
            Close("The connection to the server failed unexpectedly.");
        }
    }

    private void Close(string reason)
    {
        lock (_gate)
        {
            _closeReason ??= reason;
        }

        SetState(RendezvousState.Closed, reason);
    }

    private async Task<ConnectionOutcome> ConnectOnceAsync(bool isReconnect, CancellationToken stop)
    {
        SetState(isReconnect ? RendezvousState.Reconnecting : RendezvousState.Connecting, $"Connecting to {Server}…");
        var dial = await TcpDialer.ConnectAsync(_servers.Host, _servers.Port, _options.ConnectTimeout, _time, stop)
            .ConfigureAwait(false);
        if (dial.Socket is null)
        {
            return new ConnectionOutcome(false, JoinErrors.Unreachable, $"Cannot reach the rendezvous server: {dial.Error}.");
        }

        var connection = new FrameConnection(dial.Socket, _options.MaxServerFrameBytes, _options.WriteTimeout, _time);
        await using (connection.ConfigureAwait(false))
        {
            lock (_gate)
            {
                if (stop.IsCancellationRequested)
                {
                    return new ConnectionOutcome(false, null, "Stopped.");
                }

                _connection = connection;
            }

            ConnectionOutcome? outcome = null;
            try
            {
                outcome = await SpeakAsync(connection, stop).ConfigureAwait(false);
                return outcome.Value;
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
                var online = OnlineSession != 0;
                outcome = new ConnectionOutcome(online, online ? null : JoinErrors.Unreachable, $"Lost the rendezvous server: {ex.Message}");
                return outcome.Value;
            }
            finally
            {
                lock (_gate)
                {
                    _connection = null;
                    // When stopping, the state goes straight to closed: no "reconnecting" in between.
                    if (_state == RendezvousState.Online && !stop.IsCancellationRequested)
                    {
                        _state = RendezvousState.Reconnecting;
                        _detail = outcome?.Message ?? "Connection lost.";
                    }
                }

                _handler.OnStateChanged(State, StateDetail);
            }
        }
    }

    private async Task<ConnectionOutcome> SpeakAsync(FrameConnection connection, CancellationToken stop)
    {
        var since = _handler.ResumeSeq;
        string? token;
        lock (_gate)
        {
            token = _token;
        }

        await connection.SendAsync(new Hello(Hello.CurrentVersion, _options.Name, _peerPort, _options.AdvertisedHost, since, token, _key), stop)
            .ConfigureAwait(false);

        FrameReadResult first;
        using (var deadline = new CancellationTokenSource(ProtocolLimits.HelloTimeout, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, deadline.Token))
        {
            try
            {
                first = await connection.ReadAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !stop.IsCancellationRequested)
            {
                return new ConnectionOutcome(false, JoinErrors.Unreachable,
                    $"The rendezvous server at {Server} did not answer within {ProtocolLimits.HelloTimeout.TotalSeconds:0} s.");
            }
        }

        switch (first)
        {
            case { Frame: Welcome welcome }:
                // Two steps, so that no state machine keeps the welcome (every peer and broadcast in it) for the session's life.
                var session = await BeginSessionAsync(welcome, since, stop).ConfigureAwait(false);
                return await RunSessionAsync(connection, session, stop).ConfigureAwait(false);
            case { Frame: ErrorFrame error }:
                LogRefused(TextRules.ForLog(error.Code), TextRules.ForLog(error.Message));
                return new ConnectionOutcome(false, error.Code, error.Message,
                    IsFatal: error.Code is ErrorCodes.InvalidName or ErrorCodes.UnsupportedVersion or ErrorCodes.BadFrame or ErrorCodes.HelloRequired);
            case { IsEndOfStream: true }:
                return new ConnectionOutcome(false, JoinErrors.Unreachable, $"The rendezvous server at {Server} closed the connection before welcoming us.");
            default:
                return new ConnectionOutcome(false, JoinErrors.Unreachable, $"{Server} does not speak the rendezvous protocol.");
        }
    }

    /// <summary>Opens a session with <paramref name="welcome"/>: the agent takes in its peers and history. Returns the session's number.</summary>
    private async Task<int> BeginSessionAsync(Welcome welcome, long? since, CancellationToken stop)
    {
        int session;
        lock (_gate)
        {
            _token = welcome.Token;
            session = ++_session;
            _state = RendezvousState.Online;
            _detail = null;
        }

        LogOnline(welcome.You.Name, welcome.You.Host, welcome.You.Port, session, since);
        await _handler.OnWelcomeAsync(welcome, session, since, stop).ConfigureAwait(false);
        _handler.OnStateChanged(RendezvousState.Online, null);
        _joined.TrySetResult(JoinResult.Joined);
        return session;
    }

    private async Task<ConnectionOutcome> RunSessionAsync(FrameConnection connection, int session, CancellationToken stop)
    {
        var silent = new StrongBox<bool>();
        using var sessionEnd = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var heartbeat = Task.Run(() => HeartbeatAsync(connection, silent, sessionEnd.Token), CancellationToken.None);
        var reason = "The rendezvous server closed the connection.";
        try
        {
            while (true)
            {
                var result = await connection.ReadAsync(stop).ConfigureAwait(false);
                if (result.IsEndOfStream)
                {
                    break;
                }

                if (result.IsError)
                {
                    // The server sent something we cannot read: skip it, unless it cannot even be framed.
                    LogBadFrame(result.ErrorCode!, result.ErrorMessage!);
                    if (result.ErrorCode == ErrorCodes.FrameTooLarge)
                    {
                        reason = "The rendezvous server sent a frame larger than the limit.";
                        break;
                    }

                    continue;
                }

                if (result.Frame is ErrorFrame { Id: null } closing && closing.Code is ErrorCodes.IdleTimeout or ErrorCodes.SlowConsumer)
                {
                    reason = $"The rendezvous server dropped us: {closing.Message}";
                    continue;
                }

                if (result.Frame is Pong or Ping)
                {
                    continue;
                }

                await _handler.OnFrameAsync(result.Frame!, session, stop).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            reason = $"Lost the rendezvous server: {ex.Message}";
        }
        finally
        {
            await sessionEnd.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
        }

        if (silent.Value)
        {
            reason = $"The rendezvous server sent nothing for {(_options.PingInterval * 3).TotalSeconds:0.#} s.";
        }

        return new ConnectionOutcome(true, null, reason);
    }

    /// <summary>Pings after <see cref="PeerAgentOptions.PingInterval"/> without sending; drops a server silent for three intervals.</summary>
    private async Task HeartbeatAsync(FrameConnection connection, StrongBox<bool> silent, CancellationToken cancellationToken)
    {
        var interval = _options.PingInterval;
        var silenceLimit = interval * 3;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var sinceReceived = connection.SinceLastReceived;
                if (sinceReceived >= silenceLimit)
                {
                    LogSilent(silenceLimit.TotalSeconds);
                    silent.Value = true;
                    connection.Abort();
                    return;
                }

                var sinceSent = connection.SinceLastSent;
                if (sinceSent >= interval)
                {
                    await connection.SendAsync(Ping.Instance, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var wait = TimeSpan.FromTicks(Math.Min((interval - sinceSent).Ticks, (silenceLimit - sinceReceived).Ticks));
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            connection.Abort();
        }
    }

    private void SetState(RendezvousState state, string? detail)
    {
        lock (_gate)
        {
            if (_state == RendezvousState.Closed || (_state == state && _detail == detail))
            {
                return;
            }

            _state = state;
            _detail = detail;
        }

        _handler.OnStateChanged(state, detail);
    }

    [LoggerMessage(1, LogLevel.Information, "Online as {Name} ({Host}:{Port}), session {Session}, since {Since}")]
    private partial void LogOnline(string name, string host, int port, int session, long? since);

    [LoggerMessage(2, LogLevel.Information, "Rendezvous link dropped: {Reason}")]
    private partial void LogDropped(string reason);

    [LoggerMessage(3, LogLevel.Warning, "Could not join at {Server}: {Code} {Message}")]
    private partial void LogJoinFailed(string server, string? code, string message);

    [LoggerMessage(4, LogLevel.Warning, "Stopped reconnecting: {Reason}")]
    private partial void LogGaveUp(string reason);

    [LoggerMessage(5, LogLevel.Error, "Rendezvous loop failed")]
    private partial void LogLoopFailed(Exception exception);

    [LoggerMessage(6, LogLevel.Information, "Hello refused: {Code} {Message}")]
    private partial void LogRefused(string code, string message);

    [LoggerMessage(7, LogLevel.Warning, "Unreadable frame from the server: {Code} {Message}")]
    private partial void LogBadFrame(string code, string message);

    [LoggerMessage(8, LogLevel.Information, "The server sent nothing for {Seconds} s; reconnecting")]
    private partial void LogSilent(double seconds);

    [LoggerMessage(9, LogLevel.Debug, "Write to the server failed: {Message}")]
    private partial void LogSendFailed(string message);
}
