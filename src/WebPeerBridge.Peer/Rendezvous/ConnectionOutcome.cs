namespace WebPeerBridge.Peer.Rendezvous;

/// <summary>How one connection to the rendezvous server ended.</summary>
/// <param name="WasOnline">A welcome came: the link was online.</param>
/// <param name="ErrorCode">The server's error code for a refused hello, or <see cref="JoinErrors.Unreachable"/>.</param>
/// <param name="Message">Why, for the user.</param>
/// <param name="IsFatal">Retrying cannot help (an invalid name, another protocol version).</param>
internal readonly record struct ConnectionOutcome(bool WasOnline, string? ErrorCode, string Message, bool IsFatal = false);
