namespace WebPeerBridge.Load.Fanout;

/// <summary>What a received line means to a load client.</summary>
internal enum LineVerdict
{
    /// <summary>Nothing the scenario counts (presence, numerics, pongs).</summary>
    Other,

    /// <summary>The client is registered and will receive broadcasts (welcome, end of NAMES, the relay's ready line).</summary>
    Ready,

    /// <summary>A broadcast; its text carries a <see cref="BenchPayload"/>.</summary>
    Broadcast,

    /// <summary>The server refused or dropped the client.</summary>
    Error,
}
