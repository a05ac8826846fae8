namespace WebPeerBridge.Protocol.Frames;

/// <summary>Leaving the rendezvous server, or closing a peer link.</summary>
public sealed record Bye : Frame
{
    /// <summary>The one instance: the frame has no fields.</summary>
    public static readonly Bye Instance = new();
}
