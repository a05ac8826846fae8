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

    public ILogger CreateLogger(string categoryName) =>
        new TestOutputLogger(output, categoryName[(categoryName.LastIndexOf('.') + 1)..], minimum, Errors, Lines);

    public void Dispose()
    {
    }
}
