using System.Net;

namespace WebPeerBridge.Peer.Links;

/// <summary>
/// Says yes once per address and interval: refusals are logged once per address and minute, never per attempt, so a
/// host that retries in a loop cannot flood the log. Remembers at most 1,024 addresses (the oldest are forgotten).
/// </summary>
internal sealed class OncePerAddress(TimeSpan interval, TimeProvider time)
{
    private const int MaxRemembered = 1024;

    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, long> _last = [];

    /// <summary>True the first time for <paramref name="address"/> in each interval.</summary>
    public bool ShouldLog(IPAddress address)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            if (_last.TryGetValue(address, out var last) && time.GetElapsedTime(last, now) < interval)
            {
                return false;
            }

            if (_last.Count >= MaxRemembered)
            {
                foreach (var stale in _last.Where(e => time.GetElapsedTime(e.Value, now) >= interval).Select(e => e.Key).ToList())
                {
                    _last.Remove(stale);
                }

                if (_last.Count >= MaxRemembered)
                {
                    _last.Clear();
                }
            }

            _last[address] = now;
            return true;
        }
    }
}
