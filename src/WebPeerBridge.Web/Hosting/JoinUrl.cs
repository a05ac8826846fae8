namespace WebPeerBridge.Web.Hosting;

/// <summary>An address to join from: <see cref="OnLan"/> is false when only this machine can open it (the bridge listens on loopback).</summary>
internal sealed record JoinUrl(string Url, bool OnLan);
