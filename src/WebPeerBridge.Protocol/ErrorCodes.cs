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
}
