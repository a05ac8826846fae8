namespace WebPeerBridge.Rendezvous.Tests.Support;

/// <summary>
/// Log lines in the order they were written (the newest <c>capacity</c> kept), and waits for a line that contains a
/// text: a test awaits what a program logs instead of polling for it. The test loggers of the server and of the web
/// app (linked into the end-to-end tests) keep their lines here.
/// </summary>
public sealed class LineLog(int capacity = int.MaxValue)
{
    private readonly Lock _gate = new();
    private readonly Queue<string> _lines = new();
    private readonly List<Waiter> _waiters = [];

    /// <summary>The lines kept, oldest first.</summary>
    public IReadOnlyList<string> Snapshot()
    {
        lock (_gate)
        {
            return [.. _lines];
        }
    }

    public void Add(string line)
    {
        lock (_gate)
        {
            // Lines and waiters change under this lock only: every line is counted once, before or after a wait begins.
            _lines.Enqueue(line);
            if (_lines.Count > capacity)
            {
                _lines.Dequeue();
            }

            _waiters.RemoveAll(w => w.See(line));
        }
    }

    /// <summary>
    /// Completes with the <paramref name="occurrence"/>-th line that contains <paramref name="text"/>, counting the
    /// lines kept before the call.
    /// </summary>
    public Task<string> WaitForLineAsync(string text, int occurrence = 1)
    {
        var waiter = new Waiter(text, occurrence);
        lock (_gate)
        {
            foreach (var line in _lines)
            {
                waiter.See(line);
            }

            if (!waiter.Done.Task.IsCompleted)
            {
                _waiters.Add(waiter);
            }
        }

        return waiter.Done.Task;
    }

    private sealed class Waiter(string text, int occurrence)
    {
        private int _seen;

        public TaskCompletionSource<string> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Counts <paramref name="line"/> if it matches; true once the wanted one was seen.</summary>
        public bool See(string line)
        {
            if (line.Contains(text, StringComparison.Ordinal) && ++_seen == occurrence)
            {
                Done.TrySetResult(line);
            }

            return Done.Task.IsCompleted;
        }
    }
}
