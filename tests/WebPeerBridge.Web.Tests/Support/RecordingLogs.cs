using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace WebPeerBridge.Web.Tests.Support;

/// <summary>Keeps every log line its loggers write (level and text), to check what is logged and how often.</summary>
internal sealed class RecordingLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Text)> _lines = new();

    public IReadOnlyList<(LogLevel Level, string Text)> Lines => [.. _lines];

    /// <summary>A typed logger writing here.</summary>
    public ILogger<T> CreateLogger<T>() => new Logger<T>(new LoggerFactory([this]));

    public ILogger CreateLogger(string categoryName) => new RecordingLogger(_lines);

    public void Dispose()
    {
    }
}
