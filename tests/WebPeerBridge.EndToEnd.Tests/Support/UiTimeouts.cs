namespace WebPeerBridge.EndToEnd.Tests.Support;

/// <summary>Bounds for waits in the browser tests: generous, these tests share two cores with other builds.</summary>
public static class UiTimeouts
{
    /// <summary>How long a web-first assertion or a browser action may wait.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(20);
}
