namespace WebPeerBridge.Peer.Links;

/// <summary>
/// A token bucket for the messages one link may bring: <c>burst</c> at once (a pasted block of lines), then
/// <c>perSecond</c> for as long as it goes on. Beyond, the link is closed (DESIGN.md, "A hostile host on the LAN harms only
/// itself": what a peer can make the agent hold and show is bounded). Used by the link's read loop only.
/// </summary>
internal sealed class MessageRate(int burst, double perSecond, TimeProvider time)
{
    private double _tokens = burst;
    private long _last = time.GetTimestamp();

    /// <summary>Takes one message's token; false when the link has none left.</summary>
    public bool TryTake()
    {
        var now = time.GetTimestamp();
        _tokens = Math.Min(burst, _tokens + (time.GetElapsedTime(_last, now).TotalSeconds * perSecond));
        _last = now;
        if (_tokens < 1)
        {
            return false;
        }

        _tokens--;
        return true;
    }
}
