using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Rendezvous.History;

/// <summary>
/// The broadcast log: appending gives the next <c>seq</c>s and returns once the entries are durable; reading returns the
/// newest entries after a <c>seq</c>. One seam, so that a clustered store (a stream whose sequence is <c>seq</c>) can
/// replace the embedded one. Called by one caller at a time (the hub's loop).
/// </summary>
public interface IBroadcastLog : IAsyncDisposable
{
    /// <summary>The <c>seq</c> of the newest stored entry; 0 when the log is empty.</summary>
    long LastSeq { get; }

    /// <summary>Opens the store and learns <see cref="LastSeq"/>.</summary>
    ValueTask InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="broadcasts"/> in one transaction (group commit) and returns them with their <c>seq</c>, in
    /// order, once they are durable. When the store cannot write, it throws <see cref="BroadcastLogUnavailableException"/>:
    /// then none of them is stored and no <c>seq</c> is used.
    /// </summary>
    ValueTask<IReadOnlyList<Said>> AppendAsync(IReadOnlyList<NewBroadcast> broadcasts, CancellationToken cancellationToken);

    /// <summary>
    /// The newest entries with <c>seq</c> &gt; <paramref name="afterSeq"/>, at most <paramref name="maxCount"/> of them and at
    /// most <paramref name="maxBytes"/> of text, oldest first.
    /// </summary>
    ValueTask<HistorySlice> ReadAfterAsync(long afterSeq, int maxCount, long maxBytes, CancellationToken cancellationToken);
}
