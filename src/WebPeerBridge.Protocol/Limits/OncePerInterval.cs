namespace WebPeerBridge.Protocol.Limits;

/// <summary>
/// Says yes once per key and interval: a limit reached is logged once per address and minute, never per attempt, so a
/// host that retries in a loop cannot flood the log (DESIGN.md, "A hostile host on the LAN harms only itself").
/// Remembers at most <c>maxKeys</c> keys: when full, keys whose interval has passed are forgotten, and if none has,
/// all are (a host with thousands of addresses then gets a line more, never memory more).
/// </summary>
public sealed class OncePerInterval<TKey>(TimeSpan interval, TimeProvider time, int maxKeys = 4096)
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TKey, long> _last = [];

    /// <summary>True the first time for <paramref name="key"/> in each interval.</summary>
    public bool TryEnter(TKey key)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            if (_last.TryGetValue(key, out var last) && time.GetElapsedTime(last, now) < interval)
            {
                return false;
            }

            if (_last.Count >= maxKeys && !_last.ContainsKey(key))
            {
                Prune(now);
            }

            _last[key] = now;
            return true;
        }
    }

    private void Prune(long now)
    {
        foreach (var (key, last) in _last)
        {
            if (time.GetElapsedTime(last, now) >= interval)
            {
                _last.Remove(key);
            }
        }

        if (_last.Count >= maxKeys)
        {
            _last.Clear();
        }
    }
}
