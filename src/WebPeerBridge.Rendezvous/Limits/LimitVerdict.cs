namespace WebPeerBridge.Rendezvous.Limits;

/// <summary>What <see cref="AddressLimits"/> answers to a new connection or registration.</summary>
internal enum LimitVerdict
{
    Allowed,
    TooManyConnections,
    TooManyConnectionsFromAddress,
    TooManyRegistrationsFromAddress,
    TooManyRegistrationsPerMinute,
}
