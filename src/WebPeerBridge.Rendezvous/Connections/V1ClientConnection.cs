using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Framing;
using WebPeerBridge.Protocol.Validation;
using WebPeerBridge.Rendezvous.Fanout;
using WebPeerBridge.Rendezvous.Limits;

namespace WebPeerBridge.Rendezvous.Connections;

/// <summary>A client speaking protocol v1: JSON lines both ways.</summary>
internal sealed partial class V1ClientConnection(
    string connectionId, Socket socket, PipeReader input, RendezvousHub hub, AddressLease lease, RendezvousOptions options, TimeProvider time,
    ILogger<V1ClientConnection> logger)
    : ClientConnection(connectionId, socket, input, hub, lease, options, time, logger)
{
    private static readonly Outbound s_pong = Outbound.Of(Pong.Instance);

    public override string Protocol => PeerProtocols.V1;

    protected override Outbound Render(Frame frame) => frame is Pong ? s_pong : Outbound.Of(frame);

    protected override async Task ReadLoopAsync(CancellationToken helloDeadline)
    {
        var reader = new FrameReader(Input, Options.MaxFrameBytes);
        if (!await RegisterAsync(reader, helloDeadline).ConfigureAwait(false))
        {
            return;
        }

        while (!IsCloseRequested)
        {
            var result = await reader.ReadAsync(Closing).ConfigureAwait(false);
            if (result.IsEndOfStream)
            {
                // EOF without bye (or a close we asked for): announced as error unless a reason was set.
                return;
            }

            MarkReceived();
            if (result.IsError)
            {
                Send(new ErrorFrame(result.ErrorCode!, result.ErrorMessage!));
                if (result.ErrorCode == ErrorCodes.FrameTooLarge)
                {
                    return;
                }

                continue;
            }

            switch (result.Frame)
            {
                case Say say:
                    await SayAsync(say).ConfigureAwait(false);
                    break;
                case Ping:
                    Send(Pong.Instance);
                    break;
                case Bye:
                    LeaveReason = LeftReasons.Bye;
                    return;
                case Hello:
                    Send(new ErrorFrame(ErrorCodes.BadFrame, "Already registered: hello comes once."));
                    break;
                default:
                    Send(new ErrorFrame(ErrorCodes.BadFrame, $"A client does not send '{FrameName(result.Frame!)}' frames."));
                    break;
            }
        }
    }

    private async Task<bool> RegisterAsync(FrameReader reader, CancellationToken helloDeadline)
    {
        FrameReadResult first;
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(helloDeadline, Closing))
        {
            try
            {
                first = await reader.ReadAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (helloDeadline.IsCancellationRequested && !Closing.IsCancellationRequested)
            {
                LogHelloTimeout(ConnectionId);
                SetFinalError(ErrorCodes.HelloTimeout, $"No hello within {Options.HelloTimeout.TotalSeconds:0.#} s.");
                return false;
            }
        }

        if (first.IsEndOfStream)
        {
            return false;
        }

        if (first.IsError)
        {
            SetFinalError(first.ErrorCode!, first.ErrorMessage!);
            return false;
        }

        if (first.Frame is not Hello hello)
        {
            SetFinalError(ErrorCodes.HelloRequired, "The first frame must be a hello.");
            return false;
        }

        var refusal = Validate(hello);
        if (refusal is { } error)
        {
            LogHelloRefused(ConnectionId, error.Code, error.Message);
            SetFinalError(error.Code, error.Message);
            return false;
        }

        MarkReceived();
        if (!TryCountRegistration())
        {
            return false;
        }

        await Hub.RegisterAsync(this, hello, RemoteHost, Closing).ConfigureAwait(false);
        return await Registered.ConfigureAwait(false);
    }

    private async ValueTask SayAsync(Say say)
    {
        var idCheck = TextRules.ValidateId(say.Id);
        if (!idCheck.IsValid)
        {
            Send(new ErrorFrame(idCheck.ErrorCode!, idCheck.Message!));
            return;
        }

        var textCheck = TextRules.NormalizeText(say.Text, Options.MaxTextLength, out var text);
        if (!textCheck.IsValid)
        {
            Send(new ErrorFrame(textCheck.ErrorCode!, textCheck.Message!, say.Id));
            return;
        }

        if (await PaceSayAsync(Closing).ConfigureAwait(false))
        {
            await Hub.SayAsync(this, say.Id, text, Closing).ConfigureAwait(false);
        }
    }

    private static (string Code, string Message)? Validate(Hello hello)
    {
        if (hello.Version != Hello.CurrentVersion)
        {
            return (ErrorCodes.UnsupportedVersion, $"This server speaks protocol version {Hello.CurrentVersion}.");
        }

        var name = TextRules.ValidateName(hello.Name);
        if (!name.IsValid)
        {
            return (name.ErrorCode!, name.Message!);
        }

        if (!TextRules.IsValidPort(hello.PeerPort))
        {
            return (ErrorCodes.BadFrame, "peerPort must be a port number from 1 to 65535.");
        }

        var host = TextRules.ValidateHost(hello.Host);
        if (!host.IsValid)
        {
            return (host.ErrorCode!, host.Message!);
        }

        if (hello.Since is < 0)
        {
            return (ErrorCodes.BadFrame, "since must not be negative.");
        }

        if (hello.Key is { } key && !IsFingerprint(key))
        {
            return (ErrorCodes.BadFrame, "key must be 64 lowercase hex characters (the SHA-256 of the link certificate).");
        }

        return null;
    }

    private static bool IsFingerprint(string key) => key.Length == 64 && key.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    private static string FrameName(Frame frame) => frame switch
    {
        Welcome => FrameTypes.Welcome,
        Joined => FrameTypes.Joined,
        Left => FrameTypes.Left,
        Said => FrameTypes.Said,
        Pong => FrameTypes.Pong,
        ErrorFrame => FrameTypes.Error,
        Dm => FrameTypes.Dm,
        Ack => FrameTypes.Ack,
        _ => frame.GetType().Name,
    };

    protected override async Task WriteLoopAsync(ClientOutbox outbox, CancellationToken cancellationToken)
    {
        using var writer = new FrameWriter(Output);
        while (await outbox.WaitToReadAsync().ConfigureAwait(false))
        {
            // Batch: everything queued goes out in one flush, up to 64 KiB at a time.
            while (Output.UnflushedBytes < 64 * 1024 && outbox.TryRead(out var frame))
            {
                if (frame.Line.IsEmpty)
                {
                    if (frame.Frame is Welcome && TakeWelcome() is { } welcome)
                    {
                        // The welcome with its peers' bytes spliced in, straight into the socket buffer.
                        welcome.WriteTo(Output);
                    }
                    else
                    {
                        writer.Write(frame.Frame);
                    }
                }
                else if (Output.UnflushedBytes == 0 && outbox.QueuedFrames == 0)
                {
                    // The only line waiting (a broadcast, or a turn's lines in one slice): sent from the shared bytes as
                    // they are, no copy, one syscall on this thread.
                    SendNow(frame.Line.Span);
                }
                else
                {
                    Output.Write(frame.Line.Span);
                }

                Dequeued(frame);
            }

            if (Output.UnflushedBytes > 0)
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Information, "{ConnectionId} sent no hello in time")]
    private partial void LogHelloTimeout(string connectionId);

    [LoggerMessage(2, LogLevel.Information, "{ConnectionId} hello refused: {Code} {Message}")]
    private partial void LogHelloRefused(string connectionId, string code, string message);
}
