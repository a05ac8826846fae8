using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using WebPeerBridge.Peer.Identity;

namespace WebPeerBridge.Peer.Tests.Support;

/// <summary>
/// One direct link written by hand, line by line, plain or inside TLS with a chosen certificate: what a forger, an
/// older keyless peer or an impostor listener would send.
/// </summary>
public sealed class RawLink : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly Stream _stream;
    private readonly StreamReader _reader;

    private RawLink(TcpClient client, Stream stream)
    {
        _client = client;
        _stream = stream;
        _reader = new StreamReader(stream, Encoding.UTF8);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Dials the agent's listener in plain text, from <paramref name="from"/> (a loopback address) when given.</summary>
    public static async Task<RawLink> DialPlainAsync(int port, string? from = null)
    {
        var client = new TcpClient(AddressFamily.InterNetwork);
        if (from is not null)
        {
            client.Client.Bind(new IPEndPoint(IPAddress.Parse(from), 0));
        }

        await client.ConnectAsync(IPAddress.Loopback, port, Ct);
        return new RawLink(client, client.GetStream());
    }

    /// <summary>
    /// Dials the agent's listener in TLS, presenting <paramref name="certificate"/>; the listener's certificate must be
    /// <paramref name="listenerKey"/>'s.
    /// </summary>
    public static async Task<RawLink> DialTlsAsync(int port, X509Certificate2 certificate, string listenerKey)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, Ct);
        var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "peer",
            EnabledSslProtocols = SslProtocols.Tls13 | SslProtocols.Tls12,
            ClientCertificates = [certificate],
            LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && PeerIdentity.FingerprintOf(presented) == listenerKey,
        }, Ct).WaitAsync(Timeouts.Await, Ct);
        return new RawLink(client, tls);
    }

    public async Task SendLineAsync(string line)
    {
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), Ct);
        await _stream.FlushAsync(Ct);
    }

    /// <summary>Sends <paramref name="text"/> as the classic client does: its bytes, no newline.</summary>
    public async Task SendRawAsync(string text)
    {
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(text), Ct);
        await _stream.FlushAsync(Ct);
    }

    /// <summary>The next line, or null when the agent closed the link.</summary>
    public async Task<string?> ReadLineAsync()
    {
        try
        {
            return await _reader.ReadLineAsync(Ct).AsTask().WaitAsync(Timeouts.Await, Ct);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public Task SendHelloAsync(string name) => SendLineAsync($$"""{"type":"hello","version":1,"name":"{{name}}"}""");

    public Task SendDmAsync(string id, string text, DateTimeOffset at) =>
        SendLineAsync($$"""{"type":"dm","id":"{{id}}","text":"{{text}}","at":"{{at.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}}"}""");

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }
}
