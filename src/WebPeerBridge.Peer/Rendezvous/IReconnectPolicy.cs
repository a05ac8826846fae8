namespace WebPeerBridge.Peer.Rendezvous;

/// <summary>Decides how long to wait before the next reconnect attempt; null stops reconnecting.</summary>
internal interface IReconnectPolicy
{
    TimeSpan? NextRetryDelay(ReconnectContext context);
}
