namespace WebPeerBridge.Protocol.Frames;

/// <summary>Answer to <see cref="Ping"/>.</summary>
public sealed record Pong : Frame
{
    /// <summary>The one instance: the frame has no fields.</summary>
    public static readonly Pong Instance = new();
}
