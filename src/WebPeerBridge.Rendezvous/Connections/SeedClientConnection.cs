using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Validation;
using WebPeerBridge.Rendezvous.Fanout;
using WebPeerBridge.Rendezvous.Limits;

namespace WebPeerBridge.Rendezvous.Connections;

/// <summary>
/// The classroom's original client (DESIGN.md, "Seed compatibility"): it registers with <c>name;peer_port=N</c>,
/// says each read as one message, and reads plain-text notices. Its fragility sets the rules: we never close its
/// socket (on EOF its reader spins forever) except at shutdown or overflow, it gets no idle timeout (TCP keepalive
/// finds a dead one), and every write is whole lines of at most 1,024 bytes (half its read), spaced apart.
/// </summary>
internal sealed partial class SeedClientConnection(
    string connectionId, Socket socket, PipeReader input, RendezvousHub hub, AddressLease lease, RendezvousOptions options, TimeProvider time,
    ILogger<SeedClientConnection> logger)
    : ClientConnection(connectionId, socket, input, hub, lease, options, time, logger)
{
    private const string PeerPortMarker = ";peer_port=";

    // Peers this client has been told of, so that a leave can say host and peer port too.
    private readonly Dictionary<string, PeerInfo> _known = new(StringComparer.OrdinalIgnoreCase);
    private readonly Decoder _decoder = new UTF8Encoding(false, false).GetDecoder();
    private string _requestedName = "";

    public override string Protocol => PeerProtocols.Seed;

    protected override bool HasIdleTimeout => false;

    // The line of an error is what CloseAsync writes last; queued frames are rendered by the write loop.
    protected override Outbound Render(Frame frame) => new(frame, frame is ErrorFrame error
        ? Encoding.UTF8.GetBytes(SeedNotices.Error(error) + "\n")
        : ReadOnlyMemory<byte>.Empty);

    protected override async Task ReadLoopAsync(CancellationToken helloDeadline)
    {
        EnableKeepAlive();
        if (!await RegisterAsync(helloDeadline).ConfigureAwait(false))
        {
            return;
        }

        var left = false;
        var text = new StringBuilder();
        while (true)
        {
            var result = await ReadWhatArrivedAsync(Closing).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (result.IsCanceled || (buffer.IsEmpty && result.IsCompleted))
            {
                return;
            }

            // One read is one message (the seed sends each text in one send, without a newline).
            text.Clear();
            foreach (var segment in buffer)
            {
                Decode(segment.Span, text, flush: false);
            }

            Input.AdvanceTo(buffer.End);
            if (left)
            {
                continue; // After close: ignored until it disconnects.
            }

            var message = text.ToString();
            if (message.Trim() is "close" or "server_close")
            {
                LogSeedClose(ConnectionId, RegisteredName);
                LeaveReason = LeftReasons.Bye;
                await Hub.LeaveAsync(this, LeftReasons.Bye, Closing).ConfigureAwait(false);
                left = true;
                continue;
            }

            foreach (var line in message.Split('\n'))
            {
                await SayAsync(line).ConfigureAwait(false);
            }

            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    private async Task<bool> RegisterAsync(CancellationToken helloDeadline)
    {
        ReadResult first;
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(helloDeadline, Closing))
        {
            try
            {
                first = await ReadWhatArrivedAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (helloDeadline.IsCancellationRequested && !Closing.IsCancellationRequested)
            {
                return false;
            }
        }

        var buffer = first.Buffer.Slice(0, Math.Min(first.Buffer.Length, SeedNotices.SeedReadBytes));
        var raw = new UTF8Encoding(false, false).GetString(buffer.ToArray());
        Input.AdvanceTo(first.Buffer.End);

        var marker = raw.LastIndexOf(PeerPortMarker, StringComparison.Ordinal);
        if (marker < 0
            || !int.TryParse(raw.AsSpan(marker + PeerPortMarker.Length).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || !TextRules.IsValidPort(port))
        {
            LogNotSeed(ConnectionId);
            // Not a seed client: it is told in plain text and closed (DESIGN.md).
            SetFinalError(ErrorCodes.HelloRequired,
                "Expected a protocol v1 hello (a JSON line) or name;peer_port=<1-65535>.");
            return false;
        }

        _requestedName = raw[..marker];
        var hello = new Hello(Hello.CurrentVersion, _requestedName, port);
        if (!TryCountRegistration())
        {
            return false;
        }

        await Hub.RegisterAsync(this, hello, RemoteHost, Closing).ConfigureAwait(false);
        return await Registered.ConfigureAwait(false);
    }

    /// <summary>
    /// One read as the seed means it: all that arrived together, as one large <c>recv()</c> returns it. A pipe read stops
    /// at the end of its buffer segment (4 KiB, less when the segment is partly used), which cut a 4,000-character text
    /// of multi-byte characters into several broadcasts; so read on while the socket has bytes waiting.
    /// </summary>
    private async ValueTask<ReadResult> ReadWhatArrivedAsync(CancellationToken cancellationToken)
    {
        var result = await Input.ReadAsync(cancellationToken).ConfigureAwait(false);
        while (!result.IsCompleted && !result.IsCanceled && result.Buffer.Length < Options.MaxFrameBytes && Socket.Available > 0)
        {
            Input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            result = await Input.ReadAsync(cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private async ValueTask SayAsync(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        var check = TextRules.NormalizeText(line, Options.MaxTextLength, out var text);
        if (!check.IsValid)
        {
            Send(new ErrorFrame(check.ErrorCode!, check.Message!));
            return;
        }

        if (await PaceSayAsync(Closing).ConfigureAwait(false))
        {
            await Hub.SayAsync(this, null, text, Closing).ConfigureAwait(false);
        }
    }

    protected override async Task WriteLoopAsync(ClientOutbox outbox, CancellationToken cancellationToken)
    {
        var pieces = new List<byte[]>();
        var next = 0;
        while (true)
        {
            if (next == pieces.Count)
            {
                pieces.Clear();
                next = 0;
                if (!await outbox.WaitToReadAsync().ConfigureAwait(false))
                {
                    return;
                }

                // Busy network: take what is queued, so that one write can carry several notices.
                while (pieces.Count < 64 && outbox.TryRead(out var frame))
                {
                    Dequeued(frame);
                    if (ToNotice(frame.Frame) is { } notice)
                    {
                        SeedNotices.Split(notice, pieces);
                    }
                }

                if (pieces.Count == 0)
                {
                    continue;
                }
            }

            // One write: whole lines, at most SeedNotices.MaxWriteBytes.
            var size = 0;
            while (next < pieces.Count && size + pieces[next].Length <= SeedNotices.MaxWriteBytes)
            {
                Output.Write(pieces[next]);
                size += pieces[next].Length;
                next++;
            }

            await FlushAsync(cancellationToken).ConfigureAwait(false);

            // Spaced apart, so that two writes never meet in one recv() cut inside a character.
            if (Options.SeedWriteInterval > TimeSpan.Zero)
            {
                await Task.Delay(Options.SeedWriteInterval, Time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private string? ToNotice(Frame frame)
    {
        switch (frame)
        {
            case Welcome welcome:
                foreach (var peer in welcome.Peers)
                {
                    _known[peer.Name] = peer;
                }

                var builder = new StringBuilder(SeedNotices.Welcome(welcome, _requestedName));
                foreach (var said in welcome.History)
                {
                    builder.Append('\n').Append(SeedNotices.Said(said));
                }

                return builder.ToString();
            case Joined joined:
                _known[joined.Peer.Name] = joined.Peer;
                return SeedNotices.Joined(joined.Peer);
            case Left left:
                _known.Remove(left.Name, out var known);
                return SeedNotices.Left(left.Name, known, left.Reason);
            case Said said:
                return SeedNotices.Said(said);
            case ErrorFrame error:
                return SeedNotices.Error(error);
            default:
                return null;
        }
    }

    private void Decode(ReadOnlySpan<byte> bytes, StringBuilder into, bool flush)
    {
        var chars = new char[_decoder.GetCharCount(bytes, flush)];
        var count = _decoder.GetChars(bytes, chars, flush);
        into.Append(chars, 0, count);
    }

    private void EnableKeepAlive()
    {
        try
        {
            Socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            Socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 60);
            Socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 10);
            Socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 6);
        }
        catch (SocketException ex)
        {
            LogKeepAliveUnavailable(ConnectionId, ex.SocketErrorCode);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "{ConnectionId} is no seed client: closed")]
    private partial void LogNotSeed(string connectionId);

    [LoggerMessage(2, LogLevel.Information, "{ConnectionId} ({Name}) sent close: announced as left, socket kept open")]
    private partial void LogSeedClose(string connectionId, string? name);

    [LoggerMessage(3, LogLevel.Debug, "{ConnectionId}: TCP keepalive unavailable ({Error})")]
    private partial void LogKeepAliveUnavailable(string connectionId, SocketError error);
}
