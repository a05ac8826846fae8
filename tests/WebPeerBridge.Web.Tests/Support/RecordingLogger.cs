using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace WebPeerBridge.Web.Tests.Support;

/// <summary>A logger of <see cref="RecordingLogs"/>.</summary>
internal sealed class RecordingLogger(ConcurrentQueue<(LogLevel Level, string Text)> lines) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        lines.Enqueue((logLevel, formatter(state, exception)));
}
