namespace WebPeerBridge.Protocol.Frames;

/// <summary>Keepalive; answered with <see cref="Pong"/>.</summary>
public sealed record Ping : Frame
{
    /// <summary>The one instance: the frame has no fields.</summary>
    public static readonly Ping Instance = new();
}
