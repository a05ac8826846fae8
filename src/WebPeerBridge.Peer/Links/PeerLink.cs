using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using WebPeerBridge.Peer.Transport;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Validation;

namespace WebPeerBridge.Peer.Links;

/// <summary>
/// A direct link speaking protocol v1, after the hellos: <c>dm</c> out with an ack timer each, <c>ack</c> back for every
/// <c>dm</c> in, <c>bye</c> to close. When it ends, the messages it never confirmed go back to the owner, which marks
/// them failed (or sends them on the link that replaced this one).
/// </summary>
internal sealed partial class PeerLink : DirectLink
{
    private readonly FrameConnection _connection;
    private readonly PeerAgentOptions _options;
    private readonly IPeerLinkOwner _owner;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (PendingDm Message, ITimer Timer)> _pending = new(StringComparer.Ordinal);
    private readonly MessageRate _rate;
    private string? _closeReason;
    private bool _closed;

    public PeerLink(FrameConnection connection, string peerName, string dialerName, bool isOutgoing, PeerAgentOptions options,
        IPeerLinkOwner owner, TimeProvider time, ILogger logger)
        : base(peerName, dialerName, isOutgoing, connection.RemoteEndPoint)
    {
        _connection = connection;
        _options = options;
        _owner = owner;
        _time = time;
        _logger = logger;
        _rate = new MessageRate(options.DirectMessageBurst, options.DirectMessagesPerSecond, time);
    }

    public override bool GivesReceipts => true;

    public override bool IsVerified => _connection.PeerKey is not null;

    public override TimeSpan IdleFor
    {
        get
        {
            lock (_gate)
            {
                if (_pending.Count > 0 || _closed)
                {
                    return TimeSpan.Zero;
                }
            }

            var received = _connection.SinceLastReceived;
            var sent = _connection.SinceLastSent;
            return received < sent ? received : sent;
        }
    }

    public override async Task<bool> SendAsync(string id, string text, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            if (!_pending.ContainsKey(id))
            {
                var timer = _time.CreateTimer(static state =>
                {
                    var (link, key) = ((PeerLink, string))state!;
                    link.OnAckTimeout(key);
                }, (this, id), _options.AckTimeout, Timeout.InfiniteTimeSpan);
                _pending[id] = (new PendingDm(id, text, at), timer);
            }
        }

        try
        {
            await _connection.SendAsync(new Dm(id, text, at), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            LogSendFailed(PeerName, ex.Message);
            // The read loop sees the end, and hands this message back as unconfirmed.
            _connection.Abort();
            return false;
        }
    }

    public override async Task CloseAsync(string reason, bool sayBye)
    {
        lock (_gate)
        {
            _closeReason ??= reason;
        }

        if (sayBye && !_connection.IsAborted)
        {
            try
            {
                await _connection.SendAsync(Bye.Instance, CancellationToken.None).AsTask().WaitAsync(_options.ByeTimeout, _time).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or TimeoutException)
            {
                // Closing anyway.
            }
        }

        _connection.Abort();
        if (!IsStarted)
        {
            // Never started: nobody else will release the socket.
            await FinishAsync(reason).ConfigureAwait(false);
            return;
        }

        await Completion.ConfigureAwait(false);
    }

    protected override async Task ReadLoopAsync()
    {
        var reason = "The connection was lost.";
        try
        {
            while (true)
            {
                var result = await _connection.ReadAsync(CancellationToken.None).ConfigureAwait(false);
                if (result.IsEndOfStream)
                {
                    break;
                }

                if (result.IsError)
                {
                    LogBadFrame(PeerName, result.ErrorCode!, result.ErrorMessage!);
                    await TrySendAsync(new ErrorFrame(result.ErrorCode!, result.ErrorMessage!)).ConfigureAwait(false);
                    if (result.ErrorCode == ErrorCodes.FrameTooLarge)
                    {
                        reason = "It sent a frame larger than the limit.";
                        break;
                    }

                    continue;
                }

                if (result.Frame is Bye)
                {
                    ClosedByPeer = true;
                    reason = "The other side closed it.";
                    break;
                }

                if (result.Frame is Dm && !_rate.TryTake())
                {
                    LogTooFast(PeerName, _options.DirectMessagesPerSecond);
                    await TrySendAsync(new ErrorFrame(ErrorCodes.TooMany,
                        $"More than {_options.DirectMessageBurst} direct messages at once, then {_options.DirectMessagesPerSecond:0.#} a second: this link is closed.",
                        ((Dm)result.Frame).Id)).ConfigureAwait(false);
                    reason = "It sent direct messages faster than the limit.";
                    break;
                }

                await HandleAsync(result.Frame!).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            reason = $"The connection was lost: {ex.Message}";
        }
#pragma warning disable CA1031 // The loop's boundary: log, then close the link like any other fault.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogLoopFailed(ex, PeerName);
            reason = "The link failed.";
        }

        await FinishAsync(reason).ConfigureAwait(false);
    }

    private async Task HandleAsync(Frame frame)
    {
        switch (frame)
        {
            case Dm dm:
                var idCheck = TextRules.ValidateId(dm.Id);
                if (!idCheck.IsValid)
                {
                    await TrySendAsync(new ErrorFrame(idCheck.ErrorCode!, idCheck.Message!)).ConfigureAwait(false);
                    return;
                }

                var textCheck = TextRules.NormalizeText(dm.Text, ProtocolLimits.MaxTextLength, out var text);
                if (!textCheck.IsValid)
                {
                    await TrySendAsync(new ErrorFrame(textCheck.ErrorCode!, textCheck.Message!, dm.Id)).ConfigureAwait(false);
                    return;
                }

                _owner.OnMessageReceived(this, dm.Id, text, dm.At);
                await TrySendAsync(new Ack(dm.Id)).ConfigureAwait(false);
                return;

            case Ack ack:
                (PendingDm, ITimer)? acked = null;
                lock (_gate)
                {
                    if (_pending.Remove(ack.Id, out var entry))
                    {
                        acked = entry;
                    }
                }

                acked?.Item2.Dispose();
                _owner.OnAcked(this, ack.Id);
                return;

            case ErrorFrame { Id: { } id } error:
                lock (_gate)
                {
                    if (_pending.Remove(id, out var entry))
                    {
                        entry.Timer.Dispose();
                    }
                }

                _owner.OnRefused(this, id, error.Message);
                return;

            case ErrorFrame error:
                LogPeerError(PeerName, TextRules.ForLog(error.Code), TextRules.ForLog(error.Message));
                return;

            case Ping:
                await TrySendAsync(Pong.Instance).ConfigureAwait(false);
                return;

            case Pong:
                return;

            case Hello:
                await TrySendAsync(new ErrorFrame(ErrorCodes.BadFrame, "Already introduced: hello comes once.")).ConfigureAwait(false);
                return;

            default:
                await TrySendAsync(new ErrorFrame(ErrorCodes.BadFrame, "That frame has no meaning on a peer link.")).ConfigureAwait(false);
                return;
        }
    }

    private async ValueTask TrySendAsync(Frame frame)
    {
        try
        {
            await _connection.SendAsync(frame, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            _connection.Abort();
        }
    }

    private void OnAckTimeout(string id)
    {
        lock (_gate)
        {
            if (!_pending.Remove(id, out var entry))
            {
                return;
            }

            entry.Timer.Dispose();
        }

        _owner.OnAckTimedOut(this, id);
    }

    private async Task FinishAsync(string reason)
    {
        List<PendingDm> unacked;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            reason = _closeReason ?? reason;
            unacked = [.. _pending.Values.Select(p => p.Message).OrderBy(p => p.At)];
            foreach (var (_, timer) in _pending.Values)
            {
                timer.Dispose();
            }

            _pending.Clear();
        }

        try
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever closing the socket throws, the owner must hear that the link is gone.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogLoopFailed(ex, PeerName);
        }

        try
        {
            LogClosed(PeerName, reason, unacked.Count);
            await _owner.OnLinkClosedAsync(this, reason, unacked).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The owner's fault must not leave Completion pending forever.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogLoopFailed(ex, PeerName);
        }
        finally
        {
            MarkCompleted();
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Link with {Peer} closed: {Reason} ({Unacked} unconfirmed)")]
    private partial void LogClosed(string peer, string reason, int unacked);

    [LoggerMessage(2, LogLevel.Warning, "Unreadable frame from {Peer}: {Code} {Message}")]
    private partial void LogBadFrame(string peer, string code, string message);

    [LoggerMessage(3, LogLevel.Information, "{Peer} reports an error: {Code} {Message}")]
    private partial void LogPeerError(string peer, string code, string message);

    [LoggerMessage(4, LogLevel.Error, "Link with {Peer} failed")]
    private partial void LogLoopFailed(Exception exception, string peer);

    [LoggerMessage(6, LogLevel.Warning, "Link with {Peer} sent direct messages faster than {PerSecond} a second after its burst; closed")]
    private partial void LogTooFast(string peer, double perSecond);

    [LoggerMessage(5, LogLevel.Debug, "Write to {Peer} failed: {Message}")]
    private partial void LogSendFailed(string peer, string message);
}
