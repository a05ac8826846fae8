namespace WebPeerBridge.Protocol.Frames;

/// <summary>A registered peer as the rendezvous server announces it (<c>PEER</c> in DESIGN.md).</summary>
/// <param name="Name">Its registered name.</param>
/// <param name="Host">The host to dial: the address the server saw, or the host the peer advertised.</param>
/// <param name="Port">Its peer listener's port.</param>
/// <param name="Since">When it joined.</param>
/// <param name="Protocol"><see cref="PeerProtocols.V1"/> or <see cref="PeerProtocols.Seed"/>: how to talk to it.</param>
/// <param name="Key">The fingerprint of its link certificate, as it registered it; null when it registered none.</param>
public sealed record PeerInfo(string Name, string Host, int Port, DateTimeOffset Since, string Protocol = PeerProtocols.V1, string? Key = null);

/// <summary>Values of <see cref="PeerInfo.Protocol"/>.</summary>
public static class PeerProtocols
{
    /// <summary>Speaks protocol v1 (JSON lines).</summary>
    public const string V1 = "v1";

    /// <summary>The classroom's original client: plain text, raw <c>to_peer:</c> on direct links.</summary>
    public const string Seed = "seed";
}
