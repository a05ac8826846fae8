namespace WebPeerBridge.Protocol.Framing;

/// <summary>What <see cref="LineFramer.TryReadLine(ref System.Buffers.ReadOnlySequence{byte}, int, ref long, out System.Buffers.ReadOnlySequence{byte})"/> found.</summary>
public enum LineStatus
{
    /// <summary>No newline yet, and still within the limit: read more.</summary>
    NeedMore,

    /// <summary>A whole line.</summary>
    Line,

    /// <summary>The limit passed without a newline, or the line is longer than the limit.</summary>
    TooLong,
}
