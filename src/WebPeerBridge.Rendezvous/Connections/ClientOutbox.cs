using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;
using WebPeerBridge.Rendezvous.Fanout;

namespace WebPeerBridge.Rendezvous.Connections;

/// <summary>
/// One client's queue of frames on their way to its socket: many writers (the hub, the connection's own replies), one
/// reader (its write loop). No lock per operation: a <see cref="ConcurrentQueue{T}"/>, frame and byte bounds kept with
/// <see cref="Interlocked"/>, and one reusable wake-up for the reader, so that queueing a broadcast allocates nothing.
/// A writer that queues a rendered line into an idle outbox runs the waiting write loop on its own thread, up to that
/// loop's next wait (the line is sent at once from its shared bytes, one syscall, as a single-threaded server does): no thread-pool
/// hand-off per client per broadcast. A frame the write loop renders itself (a welcome) wakes it on the thread pool.
/// </summary>
internal sealed class ClientOutbox : IValueTaskSource<bool>
{
    private readonly ConcurrentQueue<Outbound> _queue = new();
    private readonly int _maxFrames;
    private readonly long _maxBytes;
    private ManualResetValueTaskSourceCore<bool> _wakeUp = new() { RunContinuationsAsynchronously = true };
    private int _frames;
    private long _bytes;
    private int _completed;

    // 1 while the reader waits for a frame; whoever sets it back to 0 completes the wait.
    private int _waiting;

    public ClientOutbox(int maxFrames, long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        _maxFrames = maxFrames;
        _maxBytes = maxBytes;
    }

    /// <summary>Bytes of rendered lines queued (frames the write loop renders itself count as 0).</summary>
    public long QueuedBytes => Interlocked.Read(ref _bytes);

    /// <summary>Frames queued.</summary>
    public int QueuedFrames => Volatile.Read(ref _frames);

    /// <summary>Whether <see cref="Complete"/> was called: writes are refused, the reader drains what is left.</summary>
    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    /// <summary>Queues <paramref name="frame"/>; false when it is completed or either bound would be passed.</summary>
    public bool TryWrite(in Outbound frame)
    {
        if (IsCompleted)
        {
            return false;
        }

        var length = frame.Line.Length;
        if (Interlocked.Increment(ref _frames) > _maxFrames)
        {
            Interlocked.Decrement(ref _frames);
            return false;
        }

        if (Interlocked.Add(ref _bytes, length) > _maxBytes)
        {
            Interlocked.Add(ref _bytes, -length);
            Interlocked.Decrement(ref _frames);
            return false;
        }

        _queue.Enqueue(frame);
        WakeReader(inline: !frame.Line.IsEmpty);
        return true;
    }

    /// <summary>Takes the next frame; reader only.</summary>
    public bool TryRead(out Outbound frame)
    {
        if (!_queue.TryDequeue(out frame))
        {
            return false;
        }

        Interlocked.Add(ref _bytes, -frame.Line.Length);
        Interlocked.Decrement(ref _frames);
        return true;
    }

    /// <summary>
    /// Waits until a frame is queued (true) or the outbox is completed and drained (false); reader only, one wait at a
    /// time. It has no cancellation: closing a connection completes its outbox, which ends the wait.
    /// </summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        if (!_queue.IsEmpty)
        {
            return new ValueTask<bool>(true);
        }

        if (IsCompleted)
        {
            return new ValueTask<bool>(false);
        }

        _wakeUp.Reset();
        Interlocked.Exchange(ref _waiting, 1);

        // A writer may have queued (or completed) between the checks above and the flag: look again.
        if ((!_queue.IsEmpty || IsCompleted) && Interlocked.Exchange(ref _waiting, 0) == 1)
        {
            return new ValueTask<bool>(!_queue.IsEmpty);
        }

        return new ValueTask<bool>(this, _wakeUp.Version);
    }

    /// <summary>No more writes; the reader gets what is queued, then false.</summary>
    public void Complete()
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            WakeReader(inline: false);
        }
    }

    /// <param name="inline">Run the write loop's continuation on this thread (cheap: a rendered line) or on the thread pool.</param>
    private void WakeReader(bool inline)
    {
        if (Volatile.Read(ref _waiting) == 1 && Interlocked.Exchange(ref _waiting, 0) == 1)
        {
            _wakeUp.RunContinuationsAsynchronously = !inline;
            // Whether anything is left to read is the reader's next TryRead to find out.
            _wakeUp.SetResult(true);
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _wakeUp.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _wakeUp.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wakeUp.OnCompleted(continuation, state, token, flags);
}
