using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using WebPeerBridge.Peer.Identity;

namespace WebPeerBridge.Peer.Tests;

public sealed class PeerIdentityTests
{
    [Fact]
    public void Key_is_the_lowercase_hex_sha256_of_the_certificate_der_bytes()
    {
        using var identity = PeerIdentity.Create("alice");

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(identity.Certificate.RawData)), identity.Key);
        Assert.Matches("^[0-9a-f]{64}$", identity.Key);
        Assert.True(identity.Certificate.HasPrivateKey);
        Assert.NotNull(identity.Certificate.GetECDsaPublicKey());
    }

    [Fact]
    public void Exported_identity_imports_with_the_same_key_and_a_usable_private_key()
    {
        using var identity = PeerIdentity.Create("alice");

        using var again = PeerIdentity.Import(identity.Export());

        Assert.Equal(identity.Key, again.Key);
        using var key = again.Certificate.GetECDsaPrivateKey();
        Assert.NotNull(key);
        var signature = key.SignData("hi"u8, HashAlgorithmName.SHA256);
        using var publicKey = identity.Certificate.GetECDsaPublicKey();
        Assert.True(publicKey!.VerifyData("hi"u8, signature, HashAlgorithmName.SHA256));
    }

    [Fact]
    public void Two_identities_have_different_keys()
    {
        using var a = PeerIdentity.Create("alice");
        using var b = PeerIdentity.Create("alice");

        Assert.NotEqual(a.Key, b.Key);
    }

    [Fact]
    public void Import_of_bytes_that_are_no_identity_throws_a_cryptographic_exception()
    {
        Assert.ThrowsAny<CryptographicException>(() => PeerIdentity.Import("not a certificate"u8));
    }
}
