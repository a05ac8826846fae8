namespace WebPeerBridge.Peer.Conversations;

/// <summary>
/// Why a direct message to a peer that is offline was not sent, or will not be: a typed reason with its data, which a
/// UI puts in its own words. On a <see cref="SendResult"/>, a <see cref="CommandResult"/> or a failed
/// <see cref="ChatMessage"/>.
/// </summary>
/// <param name="Kind">Why.</param>
/// <param name="PeerName">The peer the message was for.</param>
/// <param name="Count">How many messages wait already (<see cref="DeliveryFailureKind.QueueFull"/>).</param>
public sealed record DeliveryFailure(DeliveryFailureKind Kind, string PeerName, int Count = 0);
