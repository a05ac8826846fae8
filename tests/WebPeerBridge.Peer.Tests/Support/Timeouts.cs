namespace WebPeerBridge.Peer.Tests.Support;

/// <summary>Generous bounds for awaits: these tests share two cores with other builds.</summary>
public static class Timeouts
{
    public static readonly TimeSpan Await = TimeSpan.FromSeconds(20);
}
