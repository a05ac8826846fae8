namespace WebPeerBridge.Protocol;

/// <summary>Default limits of protocol v1. Every one is also an option of the component that enforces it.</summary>
public static class ProtocolLimits
{
    /// <summary>Largest frame read from a client or a peer link, newline excluded: room for 4,000 characters however escaped.</summary>
    public const int MaxClientFrameBytes = 64 * 1024;

    /// <summary>Largest frame a client accepts from the server (a <c>welcome</c> may carry much history).</summary>
    public const int MaxServerFrameBytes = 8 * 1024 * 1024;

    /// <summary>Longest message text, in Unicode scalar values.</summary>
    public const int MaxTextLength = 4000;

    /// <summary>Longest name, in Unicode scalar values.</summary>
    public const int MaxNameLength = 32;

    /// <summary>Longest advertised host (a DNS name).</summary>
    public const int MaxHostLength = 253;

    /// <summary>Longest message id.</summary>
    public const int MaxIdLength = 64;

    /// <summary>The first frame must arrive within this time of connecting.</summary>
    public static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A client pings after this long without sending.</summary>
    public static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(20);

    /// <summary>The server drops a v1 client silent for this long.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(60);
}
