namespace WebPeerBridge.Rendezvous.History;

/// <summary>The broadcast log could not store a batch (disk full, I/O error, locked by another process): nothing of it was stored.</summary>
public sealed class BroadcastLogUnavailableException : Exception
{
    public BroadcastLogUnavailableException()
    {
    }

    public BroadcastLogUnavailableException(string message)
        : base(message)
    {
    }

    public BroadcastLogUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
