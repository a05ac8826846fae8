using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace WebPeerBridge.Rendezvous.Tests.Support;

/// <summary>Sends the server's log to the current test's output (shown when a test fails) and keeps its errors.</summary>
internal sealed class TestOutputLoggerProvider(ITestOutputHelper output, LogLevel minimum) : ILoggerProvider
{
    /// <summary>Every entry of level Error or above: a client's misbehaviour is never one.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>Every entry logged, in order.</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    private readonly List<Waiter> _waiters = [];

    public ILogger CreateLogger(string categoryName) =>
        new TestOutputLogger(output, categoryName[(categoryName.LastIndexOf('.') + 1)..], minimum, Errors, OnLine);

    /// <summary>Completes with the <paramref name="occurrence"/>-th line (counting those logged before the call) that contains <paramref name="text"/>.</summary>
    public Task<string> WaitForLineAsync(string text, int occurrence = 1)
    {
        var waiter = new Waiter(text, occurrence);
        lock (_waiters)
        {
            // Lines and waiters change under this lock only: every line is counted once, before or after this.
            foreach (var line in Lines)
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

    private void OnLine(string line)
    {
        lock (_waiters)
        {
            Lines.Enqueue(line);
            _waiters.RemoveAll(w => w.See(line));
        }
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

    public void Dispose()
    {
    }
}
