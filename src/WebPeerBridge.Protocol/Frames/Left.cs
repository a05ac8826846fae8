namespace WebPeerBridge.Protocol.Frames;

/// <summary>Server → client: <see cref="Name"/> left, for one of the <see cref="LeftReasons"/>.</summary>
public sealed record Left(string Name, string Reason) : Frame;

/// <summary>Values of <see cref="Left.Reason"/>.</summary>
public static class LeftReasons
{
    /// <summary>A <c>bye</c> frame, or a seed client's <c>close</c>.</summary>
    public const string Bye = "bye";

    /// <summary>Idle or keepalive timeout.</summary>
    public const string Timeout = "timeout";

    /// <summary>End of stream without <c>bye</c>, a fault, or a slow consumer.</summary>
    public const string Error = "error";
}
