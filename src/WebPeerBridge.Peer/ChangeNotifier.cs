namespace WebPeerBridge.Peer;

/// <summary>
/// A list of callbacks that subscribers add and remove through an <see cref="IDisposable"/>. A callback that throws
/// is not allowed to stop the others (the UI handles its own errors).
/// </summary>
public sealed class ChangeNotifier
{
    private readonly Lock _gate = new();
    private Action[] _handlers = [];

    /// <summary>Adds <paramref name="handler"/> until the returned handle is disposed.</summary>
    public IDisposable Subscribe(Action handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            _handlers = [.. _handlers, handler];
        }

        return new Subscription(this, handler);
    }

    /// <summary>Calls every handler.</summary>
    public void Notify()
    {
        foreach (var handler in Volatile.Read(ref _handlers))
        {
            try
            {
                handler();
            }
#pragma warning disable CA1031 // A subscriber's fault is its own; the others still hear of the change.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private void Unsubscribe(Action handler)
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

    private sealed class Subscription(ChangeNotifier owner, Action handler) : IDisposable
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
