namespace WebPeerBridge.Peer.Notices;

/// <summary>
/// The subscribers of <see cref="AgentNotice"/>s. A subscriber that throws does not stop the others; a notice is
/// delivered on the thread that raised it.
/// </summary>
internal sealed class NoticeHub
{
    private readonly Lock _gate = new();
    private Action<AgentNotice>[] _handlers = [];

    public IDisposable Subscribe(Action<AgentNotice> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            _handlers = [.. _handlers, handler];
        }

        return new Subscription(this, handler);
    }

    public void Raise(AgentNotice notice)
    {
        foreach (var handler in Volatile.Read(ref _handlers))
        {
            try
            {
                handler(notice);
            }
#pragma warning disable CA1031 // A subscriber's fault is its own; the others still hear of the notice.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    public void Raise(NoticeKind kind, string text, string? peerName = null) => Raise(new AgentNotice(kind, text, peerName));

    private void Unsubscribe(Action<AgentNotice> handler)
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

    private sealed class Subscription(NoticeHub owner, Action<AgentNotice> handler) : IDisposable
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
