using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Rendezvous.History;

/// <summary>Broadcasts for a <c>welcome</c>, oldest first; <see cref="Skipped"/> older ones were left out by the byte bound.</summary>
public sealed record HistorySlice(IReadOnlyList<Said> Entries, long Skipped)
{
    public static readonly HistorySlice Empty = new([], 0);
}
