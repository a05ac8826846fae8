namespace WebPeerBridge.Web.Hosting;

/// <summary>
/// The host and port agents dial to reach the rendezvous server; with several nodes, <paramref name="Servers"/> lists them
/// all (<c>host:port</c>, the first is <paramref name="Host"/>:<paramref name="Port"/>).
/// </summary>
internal sealed record RendezvousEndpoint(string Host, int Port, IReadOnlyList<string>? Servers = null)
{
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
