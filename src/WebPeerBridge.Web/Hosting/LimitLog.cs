using System.Net;

namespace WebPeerBridge.Web.Hosting;

/// <summary>
/// Logs a limit reached once per limit, address and minute, never per attempt: a host that hammers a limit cannot fill
/// the log.
/// </summary>
internal sealed partial class LimitLog(TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMinutes(1);
    private const int PruneAbove = 4096;

    private readonly Lock _gate = new();
    private readonly Dictionary<(AddressLimit Limit, IPAddress Address), DateTimeOffset> _logged = [];
    private readonly ILogger _logger = logger;

    /// <summary><paramref name="address"/> reached <paramref name="limit"/> (at most <paramref name="max"/>).</summary>
    public void Reached(AddressLimit limit, IPAddress address, int max)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_logged.TryGetValue((limit, address), out var at) && now - at < Quiet)
            {
                return;
            }

            if (_logged.Count >= PruneAbove)
            {
                foreach (var old in _logged.Where(e => now - e.Value >= Quiet).Select(e => e.Key).ToList())
                {
                    _logged.Remove(old);
                }
            }

            _logged[(limit, address)] = now;
        }

        LogReached(address, limit, max);
    }

    [LoggerMessage(1, LogLevel.Warning, "{Address} reached {Limit} ({Max}); its further refusals this minute are not logged")]
    private partial void LogReached(IPAddress address, AddressLimit limit, int max);
}
