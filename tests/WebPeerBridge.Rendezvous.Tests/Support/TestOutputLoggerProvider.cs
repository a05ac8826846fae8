using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace WebPeerBridge.Rendezvous.Tests.Support;

/// <summary>Sends the server's log to the current test's output (shown when a test fails) and keeps its errors.</summary>
internal sealed class TestOutputLoggerProvider(ITestOutputHelper output, LogLevel minimum) : ILoggerProvider
{
    private readonly LineLog _lines = new();

    /// <summary>Every entry of level Error or above: a client's misbehaviour is never one.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>Every entry logged, in order.</summary>
    public IReadOnlyList<string> Lines => _lines.Snapshot();

    public ILogger CreateLogger(string categoryName) =>
        new TestOutputLogger(output, categoryName[(categoryName.LastIndexOf('.') + 1)..], minimum, Errors, _lines.Add);

    /// <summary>Completes with the <paramref name="occurrence"/>-th line (counting those logged before the call) that contains <paramref name="text"/>.</summary>
    public Task<string> WaitForLineAsync(string text, int occurrence = 1) => _lines.WaitForLineAsync(text, occurrence);

    public void Dispose()
    {
    }
}
