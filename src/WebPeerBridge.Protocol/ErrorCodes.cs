namespace WebPeerBridge.Protocol;

/// <summary>The <c>code</c> values of an <c>error</c> frame (DESIGN.md, wire protocol v1).</summary>
public static class ErrorCodes
{
    public const string BadJson = "bad_json";
    public const string BadFrame = "bad_frame";
    public const string UnknownType = "unknown_type";
    public const string FrameTooLarge = "frame_too_large";
    public const string TextTooLong = "text_too_long";
    public const string EmptyText = "empty_text";
    public const string InvalidName = "invalid_name";
    public const string NameTaken = "name_taken";
    public const string HelloRequired = "hello_required";
    public const string HelloTimeout = "hello_timeout";
    public const string UnsupportedVersion = "unsupported_version";
    public const string IdleTimeout = "idle_timeout";
    public const string SlowConsumer = "slow_consumer";

    /// <summary>A peer link whose dialer cannot prove the name it claims; the link closes.</summary>
    public const string Unverified = "unverified";

    /// <summary>A per-address or overall limit was reached; the connection closes.</summary>
    public const string TooMany = "too_many";

    /// <summary>The server cannot store a broadcast now: that <c>say</c> is refused with its id; the link stays.</summary>
    public const string Unavailable = "unavailable";
}
