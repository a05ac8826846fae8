namespace WebPeerBridge.Web.Components.Chat;

/// <summary>host:port as people type it (IPv6 in brackets).</summary>
internal static class Endpoints
{
    public static string Format(string host, int port) =>
        host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
}
