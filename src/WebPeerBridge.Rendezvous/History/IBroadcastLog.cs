using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Rendezvous.History;

/// <summary>
/// The broadcast log: append gives the next <c>seq</c>; read returns the newest entries after a <c>seq</c>.
/// One seam, so that a clustered store (a stream whose sequence is <c>seq</c>) can replace the embedded one.
/// Called by one caller at a time (the hub's loop).
/// </summary>
public interface IBroadcastLog : IAsyncDisposable
{
    /// <summary>The <c>seq</c> of the newest entry; 0 when the log is empty.</summary>
    long LastSeq { get; }

    /// <summary>Opens the store and learns <see cref="LastSeq"/>.</summary>
    ValueTask InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Appends a broadcast and returns it with its <c>seq</c>.</summary>
    ValueTask<Said> AppendAsync(string? id, string from, string text, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// The newest entries with <c>seq</c> &gt; <paramref name="afterSeq"/>, at most <paramref name="maxCount"/> of them and at
    /// most <paramref name="maxBytes"/> of text, oldest first.
    /// </summary>
    ValueTask<HistorySlice> ReadAfterAsync(long afterSeq, int maxCount, long maxBytes, CancellationToken cancellationToken);

    /// <summary>Waits until every appended entry is stored durably.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken);
}
