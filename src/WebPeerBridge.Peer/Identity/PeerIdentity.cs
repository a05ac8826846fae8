using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WebPeerBridge.Peer.Identity;

/// <summary>
/// An agent's link identity (DESIGN.md, Trusted direct links): an ECDSA P-256 key with a self-signed certificate, and
/// its <see cref="Key"/>, the lowercase hex SHA-256 of the certificate's DER bytes that the directory lists.
/// Made once per agent and kept for its life; <see cref="Export"/> and <see cref="Import"/> carry it across restarts.
/// </summary>
public sealed class PeerIdentity : IDisposable
{
    private PeerIdentity(X509Certificate2 certificate)
    {
        Certificate = certificate;
        Key = FingerprintOf(certificate);
    }

    /// <summary>The certificate with its private key, presented on every TLS link.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The fingerprint sent as <c>key</c> in the rendezvous <c>hello</c>.</summary>
    public string Key { get; }

    /// <summary>Makes a new key and certificate; <paramref name="name"/> only labels the certificate.</summary>
    public static PeerIdentity Create(string name, TimeProvider? timeProvider = null)
    {
        var now = (timeProvider ?? TimeProvider.System).GetUtcNow();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subjectBuilder = new X500DistinguishedNameBuilder();
        subjectBuilder.AddCommonName(CommonName(name));
        var subject = subjectBuilder.Build();
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false)); // server and client auth
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(20));
        // Round trip through PKCS#12 so the private key is usable by SslStream on every platform.
        return Import(certificate.Export(X509ContentType.Pkcs12));
    }

    /// <summary>The identity as PKCS#12 bytes (certificate and private key, no password): keep them secret.</summary>
    public byte[] Export() => Certificate.Export(X509ContentType.Pkcs12);

    /// <summary>Reads an identity written by <see cref="Export"/>.</summary>
    /// <exception cref="CryptographicException">The bytes are not such an identity.</exception>
    public static PeerIdentity Import(ReadOnlySpan<byte> pkcs12)
    {
        var certificate = X509CertificateLoader.LoadPkcs12(pkcs12, password: null, X509KeyStorageFlags.Exportable);
        if (!certificate.HasPrivateKey || certificate.GetECDsaPublicKey() is null)
        {
            certificate.Dispose();
            throw new CryptographicException("The identity has no ECDSA private key.");
        }

        return new PeerIdentity(certificate);
    }

    /// <summary>The lowercase hex SHA-256 of <paramref name="certificate"/>'s DER bytes.</summary>
    public static string FingerprintOf(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexStringLower(SHA256.HashData(certificate.GetRawCertData()));
    }

    public void Dispose() => Certificate.Dispose();

    private static string CommonName(string name) =>
        string.IsNullOrWhiteSpace(name) ? "WebPeerBridge peer" : $"WebPeerBridge peer {name}";
}
