namespace WebPeerBridge.Peer.Rendezvous;

/// <summary>What a <see cref="IReconnectPolicy"/> knows: failed attempts since the link was last online, for how long, and why.</summary>
internal readonly record struct ReconnectContext(int PreviousAttempts, TimeSpan ElapsedTime, string Reason);
