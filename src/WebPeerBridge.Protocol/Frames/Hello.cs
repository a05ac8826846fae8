namespace WebPeerBridge.Protocol.Frames;

/// <summary>
/// First frame of a connection. On the rendezvous link it registers <see cref="Name"/> with its
/// <see cref="PeerPort"/>; on a peer link only <see cref="Version"/> and <see cref="Name"/> are sent.
/// </summary>
/// <param name="Version">Protocol version; 1.</param>
/// <param name="Name">The sender's name.</param>
/// <param name="PeerPort">Rendezvous link only: the port of the sender's peer listener.</param>
/// <param name="Host">Rendezvous link only: the host others should dial, when not the address the server sees.</param>
/// <param name="Since">Rendezvous link only: the last broadcast <c>seq</c> the sender saw, to resync after a reconnect.</param>
/// <param name="Resume">Rendezvous link only: the token of an earlier welcome, to take the name back after a reconnect.</param>
/// <param name="Key">
/// Rendezvous link only: the lowercase hex SHA-256 of the sender's link certificate (DESIGN.md, Trusted direct links);
/// null for a peer without one.
/// </param>
public sealed record Hello(
    int Version,
    string Name,
    int? PeerPort = null,
    string? Host = null,
    long? Since = null,
    string? Resume = null,
    string? Key = null) : Frame
{
    /// <summary>The only protocol version this library speaks.</summary>
    public const int CurrentVersion = 1;
}
