namespace WebPeerBridge.Protocol.Frames;

/// <summary>The values of the <c>"type"</c> property, one per frame.</summary>
public static class FrameTypes
{
    public const string Hello = "hello";
    public const string Say = "say";
    public const string Ping = "ping";
    public const string Pong = "pong";
    public const string Bye = "bye";
    public const string Welcome = "welcome";
    public const string Joined = "joined";
    public const string Left = "left";
    public const string Said = "said";
    public const string Error = "error";
    public const string Dm = "dm";
    public const string Ack = "ack";

    /// <summary>Whether <paramref name="type"/> names a frame of protocol v1.</summary>
    public static bool IsKnown(string type) => type is Hello or Say or Ping or Pong or Bye or Welcome
        or Joined or Left or Said or Error or Dm or Ack;
}
