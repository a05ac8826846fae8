using WebPeerBridge.Peer.Changes;

namespace WebPeerBridge.Web.Components.Chat;

/// <summary>The browser's time zone (scoped: one per circuit), so times show as the person reading them expects.</summary>
internal sealed class ClientClock
{
    private readonly Subscribers<TimeZoneInfo> _changed = new();

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Local;

    public DateTimeOffset ToLocal(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);

    /// <summary>Adopts the browser's IANA zone, else its current UTC offset in minutes (JavaScript's sign: west is positive).</summary>
    public void SetBrowserZone(string? ianaId, int offsetMinutes)
    {
        var zone = !string.IsNullOrEmpty(ianaId) && TimeZoneInfo.TryFindSystemTimeZoneById(ianaId, out var found)
            ? found
            : TimeZoneInfo.CreateCustomTimeZone("browser", TimeSpan.FromMinutes(-offsetMinutes), "browser", "browser");
        if (zone.Id == Zone.Id && zone.BaseUtcOffset == Zone.BaseUtcOffset)
        {
            return;
        }

        Zone = zone;
        _changed.Notify(zone);
    }

    public IDisposable Subscribe(Action onChanged) => _changed.Subscribe(_ => onChanged());
}
