namespace WebPeerBridge.Web.Hosting;

/// <summary>The host and port agents dial to reach the rendezvous server.</summary>
internal sealed record RendezvousEndpoint(string Host, int Port)
{
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
