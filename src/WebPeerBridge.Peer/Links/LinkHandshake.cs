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
    /// <summary>
    /// Dials <paramref name="host"/>:<paramref name="port"/> and says hello: inside TLS when <paramref name="expectedKey"/>
    /// is the listed key of the peer there (the listener must prove it holds that certificate), else plain.
    /// </summary>
    public static async Task<HandshakeResult> DialAsync(string host, int port, string ownName, string? expectedKey, LinkTls tls,
        PeerAgentOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var target = TcpDialer.Describe(host, port);
        var dial = await TcpDialer.ConnectAsync(host, port, options.ConnectTimeout, time, cancellationToken).ConfigureAwait(false);
        if (dial.Socket is null)
        {
            return HandshakeResult.Fail(LinkOutcome.Unreachable, dial.Error!);
        }

        FrameConnection connection;
        if (expectedKey is not null)
        {
            var secured = await tls.DialAsync(dial.Socket, expectedKey, cancellationToken).ConfigureAwait(false);
            if (secured.Connection is null)
            {
                return secured.Failure switch
                {
                    TlsFailure.WrongCertificate => HandshakeResult.Fail(LinkOutcome.Unverified,
                        $"{target} could not be verified: its certificate is not the one the directory lists"),
                    TlsFailure.TimedOut => HandshakeResult.Fail(LinkOutcome.Unverified,
                        $"{target} could not be verified: it did not complete TLS within {options.HelloTimeout.TotalSeconds:0.#} s"),
                    _ => HandshakeResult.Fail(LinkOutcome.Unverified,
                        $"{target} could not be verified: it did not complete TLS with its listed certificate"),
                };
            }

            connection = secured.Connection;
        }
        else
        {
            connection = new FrameConnection(dial.Socket, options.MaxPeerFrameBytes, options.WriteTimeout, time);
        }

        var result = HandshakeResult.Fail(LinkOutcome.Refused, $"{target} did not complete the hello");
        try
        {
            await connection.SendAsync(new Hello(Hello.CurrentVersion, ownName), cancellationToken).ConfigureAwait(false);
            var first = await ReadFirstAsync(connection, options.HelloTimeout, time, cancellationToken).ConfigureAwait(false);
            result = first switch
            {
                null => HandshakeResult.Fail(LinkOutcome.Unreachable, $"{target} did not answer within {options.HelloTimeout.TotalSeconds:0.#} s"),
                { Frame: Hello hello } when hello.Version != Hello.CurrentVersion =>
                    HandshakeResult.Fail(LinkOutcome.Refused, $"{target} speaks protocol version {hello.Version}, not {Hello.CurrentVersion}"),
                { Frame: Hello hello } when !TextRules.ValidateName(hello.Name).IsValid =>
                    HandshakeResult.Fail(LinkOutcome.Refused, $"{target} introduced itself with an invalid name"),
                { Frame: Hello hello } when string.Equals(hello.Name, ownName, StringComparison.OrdinalIgnoreCase) =>
                    HandshakeResult.Fail(LinkOutcome.Refused, $"{target} is this agent's own listener"),
                { Frame: Hello hello } => new HandshakeResult(connection, hello.Name, LinkOutcome.Open, null),
                { Frame: ErrorFrame { Code: ErrorCodes.Unverified } error } =>
                    HandshakeResult.Fail(LinkOutcome.Unverified, $"{target} could not verify this agent: {error.Message}"),
                { Frame: ErrorFrame error } => HandshakeResult.Fail(LinkOutcome.Refused, $"{target} refused the link: {error.Message}"),
                { IsEndOfStream: true } => HandshakeResult.Fail(LinkOutcome.Refused, $"{target} closed the link without answering"),
                _ => HandshakeResult.Fail(LinkOutcome.Refused, $"{target} does not speak the peer protocol"),
            };
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            result = HandshakeResult.Fail(LinkOutcome.Unreachable, $"the link with {target} broke during the hello: {ex.Message}");
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

    /// <summary>
    /// Reads the dialer's hello, asks <paramref name="verify"/> whether the directory vouches for that name on this
    /// connection, and answers it; returns the dialer's name, or null after telling it what was wrong.
    /// </summary>
    public static async Task<string?> AcceptAsync(FrameConnection connection, string ownName, TimeSpan helloTimeout,
        Func<string, CancellationToken, Task<ErrorFrame?>> verify, TimeProvider time, CancellationToken cancellationToken)
    {
        var first = await ReadFirstAsync(connection, helloTimeout, time, cancellationToken).ConfigureAwait(false);
        ErrorFrame? refusal = first switch
        {
            null => new ErrorFrame(ErrorCodes.HelloTimeout, $"No hello within {helloTimeout.TotalSeconds:0.#} s."),
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

        if (refusal is null && first is { Frame: Hello named })
        {
            refusal = await verify(named.Name, cancellationToken).ConfigureAwait(false);
        }

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
    private static async Task<FrameReadResult?> ReadFirstAsync(FrameConnection connection, TimeSpan timeout, TimeProvider time,
        CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
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
