using System.Net;
using WebPeerBridge.Protocol.Limits;

namespace WebPeerBridge.Web.Hosting;

/// <summary>
/// Logs a limit reached once per limit, address and minute, never per attempt: a host that hammers a limit cannot fill
/// the log.
/// </summary>
internal sealed partial class LimitLog(TimeProvider time, ILogger logger)
{
    private readonly OncePerInterval<(AddressLimit Limit, IPAddress Address)> _once = new(TimeSpan.FromMinutes(1), time);
    private readonly ILogger _logger = logger;

    /// <summary><paramref name="address"/> reached <paramref name="limit"/> (at most <paramref name="max"/>).</summary>
    public void Reached(AddressLimit limit, IPAddress address, int max)
    {
        if (_once.TryEnter((limit, address)))
        {
            LogReached(address, limit, max);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "{Address} reached {Limit} ({Max}); its further refusals this minute are not logged")]
    private partial void LogReached(IPAddress address, AddressLimit limit, int max);
}
