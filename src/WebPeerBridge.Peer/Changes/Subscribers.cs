using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace WebPeerBridge.Peer.Changes;

/// <summary>
/// Callbacks that subscribers add and remove through an <see cref="IDisposable"/>, called with each
/// <typeparamref name="T"/>. A callback that throws is logged and does not stop the others.
/// </summary>
public sealed partial class Subscribers<T>(ILogger? logger = null)
{
    private readonly Lock _gate = new();
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private Action<T>[] _handlers = [];

    /// <summary>How many callbacks are subscribed.</summary>
    public int Count => Volatile.Read(ref _handlers).Length;

    /// <summary>Adds <paramref name="handler"/> until the returned handle is disposed.</summary>
    public IDisposable Subscribe(Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            _handlers = [.. _handlers, handler];
        }

        return new Subscription(this, handler);
    }

    /// <summary>Calls every callback with <paramref name="value"/>, on the caller's thread.</summary>
    public void Notify(T value)
    {
        foreach (var handler in Volatile.Read(ref _handlers))
        {
            try
            {
                handler(value);
            }
#pragma warning disable CA1031 // A subscriber's fault is its own: logged, and the others still hear of it.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogCallbackFailed(ex, typeof(T).Name);
            }
        }
    }

    private void Unsubscribe(Action<T> handler)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_handlers, handler);
            if (index >= 0)
            {
                _handlers = [.. _handlers[..index], .. _handlers[(index + 1)..]];
            }
        }
    }

    [LoggerMessage(1, LogLevel.Error, "A subscriber to {Change} threw")]
    private partial void LogCallbackFailed(Exception exception, string change);

    private sealed class Subscription(Subscribers<T> owner, Action<T> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Unsubscribe(handler);
            }
        }
    }
}
