using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace WebPeerBridge.Rendezvous.Tests.Support;

/// <summary>One category's log lines, with the time since the test process started, into a test's output.</summary>
internal sealed class TestOutputLogger(ITestOutputHelper output, string category, LogLevel minimum, ConcurrentQueue<string> errors,
    Action<string> onLine) : ILogger
{
    private static readonly Stopwatch s_clock = Stopwatch.StartNew();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var line = $"{s_clock.Elapsed.TotalSeconds,8:0.000} {logLevel,-11} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}";
        onLine(line);
        if (logLevel >= LogLevel.Error)
        {
            errors.Enqueue(line);
        }

        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test is over: its output is closed; the server may still log while it stops.
        }
    }
}
