using System.Globalization;
using Microsoft.Extensions.Logging;
using WebPeerBridge.Rendezvous.Tests.Support;

namespace WebPeerBridge.EndToEnd.Tests.Support;

/// <summary>
/// What a <see cref="BridgeApp"/> logged (at the levels its settings let through), with the time of each line, for a
/// failed test's report: in one test process several apps log to the same console, this tells them apart.
/// </summary>
public sealed class AppLog : ILoggerProvider
{
    private readonly LineLog _lines = new(capacity: 2000);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>The lines so far, oldest first (the latest <c>2000</c>).</summary>
    public string Text => string.Join('\n', _lines.Snapshot());

    /// <summary>Completes once a line containing <paramref name="text"/> is logged (or was already).</summary>
    public Task WaitForAsync(string text, TimeSpan timeout) => _lines.WaitForLineAsync(text).WaitAsync(timeout);

    public void Dispose()
    {
    }

    private void Add(string line) => _lines.Add(line);

    private sealed class Logger(AppLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        // The app's logging filters (its LogLevel settings) decide what reaches this logger.
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var time = DateTime.Now.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
            var line = $"{time} {logLevel} {category}: {formatter(state, exception)}";
            log.Add(exception is null ? line : $"{line}\n  {exception.GetType().Name}: {exception.Message}");
        }
    }
}
