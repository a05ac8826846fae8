namespace WebPeerBridge.Protocol.Limits;

/// <summary>
/// Counts events per key in fixed windows of one interval (a minute, say), for limits such as "new links per address per
/// minute". Remembers at most <c>maxKeys</c> keys: when full, keys whose window has passed are forgotten, and if none
/// has, all are: memory stays bounded whatever the number of addresses.
/// </summary>
public sealed class CountPerInterval<TKey>(TimeSpan interval, TimeProvider time, int maxKeys = 4096)
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TKey, Window> _windows = [];

    /// <summary>
    /// Counts one event for <paramref name="key"/> unless it already had <paramref name="max"/> in the current window;
    /// false (and nothing counted) when it had.
    /// </summary>
    public bool TryCount(TKey key, int max)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            if (!_windows.TryGetValue(key, out var window) || time.GetElapsedTime(window.Start, now) >= interval)
            {
                if (_windows.Count >= maxKeys && !_windows.ContainsKey(key))
                {
                    Prune(now);
                }

                window = new Window(now, 0);
            }

            if (window.Count >= max)
            {
                return false;
            }

            _windows[key] = window with { Count = window.Count + 1 };
            return true;
        }
    }

    private void Prune(long now)
    {
        foreach (var (key, window) in _windows)
        {
            if (time.GetElapsedTime(window.Start, now) >= interval)
            {
                _windows.Remove(key);
            }
        }

        if (_windows.Count >= maxKeys)
        {
            _windows.Clear();
        }
    }

    private readonly record struct Window(long Start, int Count);
}
