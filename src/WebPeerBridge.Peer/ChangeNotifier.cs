using WebPeerBridge.Peer.Changes;

namespace WebPeerBridge.Peer;

/// <summary>
/// Callbacks that carry nothing ("something changed"), for a UI's own small state (the theme). Built on
/// <see cref="Subscribers{T}"/>: a callback that throws is logged there and does not stop the others. An agent's
/// changes carry what changed: see <see cref="PeerAgent.Subscribe"/>.
/// </summary>
public sealed class ChangeNotifier
{
    private readonly Subscribers<ChangeNotifier> _subscribers = new();

    /// <summary>Adds <paramref name="handler"/> until the returned handle is disposed.</summary>
    public IDisposable Subscribe(Action handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return _subscribers.Subscribe(_ => handler());
    }

    /// <summary>Calls every handler.</summary>
    public void Notify() => _subscribers.Notify(this);
}
