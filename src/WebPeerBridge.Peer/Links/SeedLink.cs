using System.Buffers;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using WebPeerBridge.Peer.Transport;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Validation;

namespace WebPeerBridge.Peer.Links;

/// <summary>
/// A direct link with the classroom's original client (DESIGN.md, "Seed compatibility"): raw <c>to_peer:&lt;text&gt;</c>
/// both ways, no hello, no ack, no bye. Incoming chunks may hold several messages and are split on the marker; outgoing
/// messages are written one at a time, <see cref="PeerAgentOptions.SeedWriteInterval"/> apart, so that the seed's
/// <c>recv(2048)</c> sees them apart. Messages end as sent, never delivered.
/// </summary>
internal sealed partial class SeedLink : DirectLink
{
    /// <summary>What the seed client puts before each direct message, and looks for in what it reads.</summary>
    public const string Marker = "to_peer:";

    private readonly FrameConnection _connection;
    private readonly PeerAgentOptions _options;
    private readonly IPeerLinkOwner _owner;
    private readonly Func<string> _newId;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly MessageRate _rate;
    private string? _closeReason;
    private long _lastWrite;
    private int _finished;

    public SeedLink(FrameConnection connection, string peerName, string dialerName, bool isOutgoing, PeerAgentOptions options,
        IPeerLinkOwner owner, Func<string> newId, TimeProvider time, ILogger logger)
        : base(peerName, dialerName, isOutgoing, connection.RemoteEndPoint)
    {
        _connection = connection;
        _options = options;
        _owner = owner;
        _newId = newId;
        _time = time;
        _logger = logger;
        _rate = new MessageRate(options.DirectMessageBurst, options.DirectMessagesPerSecond, time);
    }

    public override bool GivesReceipts => false;

    public override async Task<bool> SendAsync(string id, string text, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(Marker + text);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var last = Interlocked.Read(ref _lastWrite);
            if (last != 0 && _time.GetElapsedTime(last) is var since && since < _options.SeedWriteInterval)
            {
                await Task.Delay(_options.SeedWriteInterval - since, _time, cancellationToken).ConfigureAwait(false);
            }

            await _connection.SendRawAsync(bytes, cancellationToken).ConfigureAwait(false);
            Interlocked.Exchange(ref _lastWrite, _time.GetTimestamp());
            return true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            LogSendFailed(PeerName, ex.Message);
            _connection.Abort();
            return false;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public override async Task CloseAsync(string reason, bool sayBye)
    {
        // The seed dialect has no bye: closing the socket is all there is.
        Interlocked.CompareExchange(ref _closeReason, reason, null);
        _connection.Abort();
        if (!IsStarted)
        {
            await FinishAsync(reason).ConfigureAwait(false);
            return;
        }

        await Completion.ConfigureAwait(false);
    }

    /// <summary>How many bytes at the end of <paramref name="bytes"/> start a UTF-8 character that is not complete yet.</summary>
    internal static int IncompleteTail(ReadOnlySpan<byte> bytes)
    {
        for (var back = 1; back <= Math.Min(3, bytes.Length); back++)
        {
            var b = bytes[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue; // a continuation byte: look further back for the lead byte
            }

            var length = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 1;
            return length > back ? back : 0;
        }

        return 0;
    }

    /// <summary>The messages in one chunk: split on the marker; text before the first marker counts as a message too.</summary>
    internal static IEnumerable<string> Split(string chunk) =>
        chunk.Split(Marker).Where(piece => !string.IsNullOrWhiteSpace(piece));

    protected override async Task ReadLoopAsync()
    {
        var reason = "The connection was lost.";
        var input = _connection.Input;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                if (buffer.Length > 0)
                {
                    _connection.MarkReceived();
                }

                var bytes = buffer.ToArray();
                var ending = result.IsCompleted || result.IsCanceled;
                if (!ending && IncompleteTail(bytes) > 0 && bytes.Length <= _options.MaxPeerFrameBytes)
                {
                    // The read ends inside a character: the message goes on in the next read.
                    input.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                }

                if (bytes.Length > 0)
                {
                    Deliver(Encoding.UTF8.GetString(bytes));
                }

                input.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled || _connection.IsAborted)
                {
                    reason = result.IsCompleted ? "The other side closed it." : reason;
                    ClosedByPeer = result.IsCompleted;
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            reason = $"The connection was lost: {ex.Message}";
        }

        await FinishAsync(reason).ConfigureAwait(false);
    }

    private void Deliver(string chunk)
    {
        foreach (var piece in Split(chunk))
        {
            var check = TextRules.NormalizeText(piece, ProtocolLimits.MaxTextLength, out var text);
            if (check.ErrorCode == ErrorCodes.TextTooLong)
            {
                var cut = ProtocolLimits.MaxTextLength;
                text = text[..(char.IsHighSurrogate(text[cut - 1]) ? cut - 1 : cut)];
            }
            else if (!check.IsValid)
            {
                continue;
            }

            if (!_rate.TryTake())
            {
                // A classic client shows any text as a message: it gets no error, only the close.
                LogTooFast(PeerName, _options.DirectMessagesPerSecond);
                Interlocked.CompareExchange(ref _closeReason, "It sent messages faster than the limit.", null);
                _connection.Abort();
                return;
            }

            _owner.OnMessageReceived(this, _newId(), text, null);
        }
    }

    private async Task FinishAsync(string reason)
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
        {
            return;
        }

        reason = Volatile.Read(ref _closeReason) ?? reason;
        try
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever closing the socket throws, the owner must hear that the link is gone.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogFailed(ex, PeerName);
        }

        try
        {
            LogClosed(PeerName, reason);
            await _owner.OnLinkClosedAsync(this, reason, []).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The owner's fault must not leave Completion pending forever.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogFailed(ex, PeerName);
        }
        finally
        {
            MarkCompleted();
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Seed link with {Peer} closed: {Reason}")]
    private partial void LogClosed(string peer, string reason);

    [LoggerMessage(2, LogLevel.Debug, "Write to seed peer {Peer} failed: {Message}")]
    private partial void LogSendFailed(string peer, string message);

    [LoggerMessage(4, LogLevel.Warning, "Seed link with {Peer} sent messages faster than {PerSecond} a second after its burst; closed")]
    private partial void LogTooFast(string peer, double perSecond);

    [LoggerMessage(3, LogLevel.Error, "Seed link with {Peer} failed")]
    private partial void LogFailed(Exception exception, string peer);
}
