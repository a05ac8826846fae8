using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using WebPeerBridge.Peer.Identity;
using WebPeerBridge.Peer.Transport;

namespace WebPeerBridge.Peer.Links;

/// <summary>
/// The TLS step of a trusted direct link (DESIGN.md, Trusted direct links): TLS 1.3, else 1.2, this agent's
/// certificate on both sides. The dialer accepts the listener only when its certificate's fingerprint is the key the
/// directory lists for the peer it dialed; the listener requires a certificate and leaves the check against the
/// directory to the hello, which names the peer.
/// </summary>
internal sealed class LinkTls
{
    /// <summary>The server name sent in the client hello: links are checked by fingerprint, never by name.</summary>
    private const string TargetHost = "webpeerbridge-peer";

    private static readonly SslProtocols Protocols = SslProtocols.Tls13 | SslProtocols.Tls12;

    private readonly PeerIdentity _identity;
    private readonly SslStreamCertificateContext _serverContext;
    private readonly int _maxFrameBytes;
    private readonly TimeSpan _writeTimeout;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    public LinkTls(PeerIdentity identity, int maxFrameBytes, TimeSpan writeTimeout, TimeSpan timeout, TimeProvider time)
    {
        _identity = identity;
        // Built once: a self-signed certificate has no chain to look up per handshake.
        _serverContext = SslStreamCertificateContext.Create(identity.Certificate, additionalCertificates: null, offline: true);
        _maxFrameBytes = maxFrameBytes;
        _writeTimeout = writeTimeout;
        _timeout = timeout;
        _time = time;
    }

    /// <summary>
    /// Opens TLS as the dialer on <paramref name="socket"/> (which the result owns); fails unless the listener proves it
    /// holds the certificate whose fingerprint is <paramref name="expectedKey"/>.
    /// </summary>
    public async Task<TlsResult> DialAsync(Socket socket, string expectedKey, CancellationToken cancellationToken)
    {
        string? presented = null;
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = TargetHost,
            EnabledSslProtocols = Protocols,
            ClientCertificates = [_identity.Certificate],
            LocalCertificateSelectionCallback = (_, _, _, _, _) => _identity.Certificate,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                presented = certificate is null ? null : PeerIdentity.FingerprintOf(certificate);
                return string.Equals(presented, expectedKey, StringComparison.Ordinal);
            },
        };

        var stream = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        var failure = await AuthenticateAsync(stream, s => s.AuthenticateAsClientAsync(options, cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        if (failure is not null)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            socket.Dispose();
            var wrongKey = presented is not null && !string.Equals(presented, expectedKey, StringComparison.Ordinal);
            return new TlsResult(null, wrongKey ? TlsFailure.WrongCertificate : failure.Value);
        }

        return new TlsResult(new FrameConnection(socket, stream, _maxFrameBytes, _writeTimeout, _time, expectedKey), null);
    }

    /// <summary>Answers TLS on an accepted <paramref name="socket"/> (which the result owns); the dialer must present a certificate.</summary>
    public async Task<TlsResult> AcceptAsync(Socket socket, CancellationToken cancellationToken)
    {
        string? presented = null;
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = _serverContext,
            EnabledSslProtocols = Protocols,
            ClientCertificateRequired = true,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            // Any certificate: whether it is the one the directory lists for the name in the hello is checked there.
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                presented = certificate is null ? null : PeerIdentity.FingerprintOf(certificate);
                return presented is not null;
            },
        };

        var stream = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        var failure = await AuthenticateAsync(stream, s => s.AuthenticateAsServerAsync(options, cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        if (failure is not null || presented is null)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            socket.Dispose();
            return new TlsResult(null, failure ?? TlsFailure.NoCertificate);
        }

        return new TlsResult(new FrameConnection(socket, stream, _maxFrameBytes, _writeTimeout, _time, presented), null);
    }

    private async Task<TlsFailure?> AuthenticateAsync(SslStream stream, Func<SslStream, Task> authenticate, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        await using var abort = linked.Token.Register(static s => ((SslStream)s!).Dispose(), stream).ConfigureAwait(false);
        try
        {
            await authenticate(stream).ConfigureAwait(false);
            return null;
        }
        catch (Exception) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return TlsFailure.TimedOut;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException or ObjectDisposedException
                                       or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return TlsFailure.Failed;
        }
    }
}

/// <summary>Why a TLS handshake gave no link.</summary>
internal enum TlsFailure
{
    /// <summary>The other side's certificate is not the one the directory lists.</summary>
    WrongCertificate,

    /// <summary>The dialer presented no certificate.</summary>
    NoCertificate,

    /// <summary>The handshake did not finish in time.</summary>
    TimedOut,

    /// <summary>The handshake broke (not TLS, reset, refused by the other side).</summary>
    Failed,
}

/// <summary>A TLS connection with the fingerprint of the other side's certificate as its <see cref="FrameConnection.PeerKey"/>; or why there is none.</summary>
internal readonly record struct TlsResult(FrameConnection? Connection, TlsFailure? Failure);
