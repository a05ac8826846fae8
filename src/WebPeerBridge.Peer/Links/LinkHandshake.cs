using System.Net.Sockets;
using WebPeerBridge.Peer.Transport;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Framing;
using WebPeerBridge.Protocol.Validation;

namespace WebPeerBridge.Peer.Links;

/// <summary>
/// The hellos of a v1 peer link. The dialer speaks first; the side that accepted answers with its own hello only after
/// reading the dialer's (DESIGN.md, "Peer link").
/// </summary>
internal static class LinkHandshake
{
    public static async Task<HandshakeResult> DialAsync(string host, int port, string ownName, PeerAgentOptions options, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var target = TcpDialer.Describe(host, port);
        var dial = await TcpDialer.ConnectAsync(host, port, options.ConnectTimeout, time, cancellationToken).ConfigureAwait(false);
        if (dial.Socket is null)
        {
            return HandshakeResult.Fail(dial.Error!);
        }

        var connection = new FrameConnection(dial.Socket, options.MaxPeerFrameBytes, time);
        var result = HandshakeResult.Fail($"{target} did not complete the hello");
        try
        {
            await connection.SendAsync(new Hello(Hello.CurrentVersion, ownName), cancellationToken).ConfigureAwait(false);
            var first = await ReadFirstAsync(connection, time, cancellationToken).ConfigureAwait(false);
            result = first switch
            {
                null => HandshakeResult.Fail($"{target} did not answer within {ProtocolLimits.HelloTimeout.TotalSeconds:0} s"),
                { Frame: Hello hello } when hello.Version != Hello.CurrentVersion =>
                    HandshakeResult.Fail($"{target} speaks protocol version {hello.Version}, not {Hello.CurrentVersion}"),
                { Frame: Hello hello } when !TextRules.ValidateName(hello.Name).IsValid =>
                    HandshakeResult.Fail($"{target} introduced itself with an invalid name"),
                { Frame: Hello hello } when string.Equals(hello.Name, ownName, StringComparison.OrdinalIgnoreCase) =>
                    HandshakeResult.Fail($"{target} is this agent's own listener"),
                { Frame: Hello hello } => new HandshakeResult(connection, hello.Name, null),
                { Frame: ErrorFrame error } => HandshakeResult.Fail($"{target} refused the link: {error.Message}"),
                { IsEndOfStream: true } => HandshakeResult.Fail($"{target} closed the link without answering"),
                _ => HandshakeResult.Fail($"{target} does not speak the peer protocol"),
            };
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            result = HandshakeResult.Fail($"the link with {target} broke during the hello: {ex.Message}");
        }
        finally
        {
            if (result.Connection is null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }

        return result;
    }

    /// <summary>Reads the dialer's hello and answers it; returns the dialer's name, or null after telling it what was wrong.</summary>
    public static async Task<string?> AcceptAsync(FrameConnection connection, string ownName, TimeProvider time, CancellationToken cancellationToken)
    {
        var first = await ReadFirstAsync(connection, time, cancellationToken).ConfigureAwait(false);
        ErrorFrame? refusal = first switch
        {
            null => new ErrorFrame(ErrorCodes.HelloTimeout, $"No hello within {ProtocolLimits.HelloTimeout.TotalSeconds:0} s."),
            { IsEndOfStream: true } => null,
            { IsError: true } error => new ErrorFrame(error.ErrorCode!, error.ErrorMessage!),
            { Frame: not Hello } => new ErrorFrame(ErrorCodes.HelloRequired, "The first frame must be a hello."),
            { Frame: Hello hello } when hello.Version != Hello.CurrentVersion =>
                new ErrorFrame(ErrorCodes.UnsupportedVersion, $"This peer speaks protocol version {Hello.CurrentVersion}."),
            { Frame: Hello hello } when TextRules.ValidateName(hello.Name) is { IsValid: false } check =>
                new ErrorFrame(check.ErrorCode!, check.Message!),
            { Frame: Hello hello } when string.Equals(hello.Name, ownName, StringComparison.OrdinalIgnoreCase) =>
                new ErrorFrame(ErrorCodes.InvalidName, $"'{hello.Name}' is my own name: you dialed your own listener."),
            _ => null,
        };

        if (first is not { Frame: Hello accepted } || refusal is not null)
        {
            if (refusal is not null)
            {
                try
                {
                    await connection.SendAsync(refusal, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
                {
                    // It is gone already.
                }
            }

            return null;
        }

        await connection.SendAsync(new Hello(Hello.CurrentVersion, ownName), cancellationToken).ConfigureAwait(false);
        return accepted.Name;
    }

    /// <summary>The first frame, or null when none came within the hello timeout.</summary>
    private static async Task<FrameReadResult?> ReadFirstAsync(FrameConnection connection, TimeProvider time, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(ProtocolLimits.HelloTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await connection.ReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
