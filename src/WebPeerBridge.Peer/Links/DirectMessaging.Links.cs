using Microsoft.Extensions.Logging;
using WebPeerBridge.Peer.Transport;
using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Peer.Links;

// Links coming and going: accepting, dialing, one link per pair, waiting for a twin.
internal sealed partial class DirectMessaging
{
    /// <summary>The listener's handler for a connection whose first byte is <c>{</c>.</summary>
    public async Task AcceptAsync(FrameConnection connection, CancellationToken cancellationToken)
    {
        string? name = null;
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
            name = await LinkHandshake.AcceptAsync(connection, _ownName, _time, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            LogHandshakeFailed(connection.RemoteEndPoint.ToString(), ex.Message);
        }

        if (name is null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            return;
        }

        await RegisterAsync(new PeerLink(connection, name, dialerName: name, isOutgoing: false, _options, this, _time,
            _loggerFactory.CreateLogger<PeerLink>())).ConfigureAwait(false);
    }

    /// <summary>
    /// The listener's handler for a connection whose first byte is not <c>{</c>: the seed client, which names itself
    /// nowhere. It is the listed seed peer at that address when there is exactly one, else it is shown by its address.
    /// </summary>
    public async Task AcceptSeedAsync(FrameConnection connection, CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        var remote = connection.RemoteEndPoint;
        var candidates = _directory.Peers
            .Where(p => p.Protocol == PeerProtocols.Seed && string.Equals(p.Host, remote.Address.ToString(), StringComparison.OrdinalIgnoreCase))
            .ToList();
        var name = candidates.Count == 1 ? candidates[0].Name : remote.ToString();
        await RegisterAsync(NewSeedLink(connection, name, dialerName: name, isOutgoing: false)).ConfigureAwait(false);
    }

    private SeedLink NewSeedLink(FrameConnection connection, string name, string dialerName, bool isOutgoing) =>
        new(connection, name, dialerName, isOutgoing, _options, this, _ids.NextSystem, _time, _loggerFactory.CreateLogger<SeedLink>());

    /// <summary>Dials a listed seed client: no hello, the link is open as soon as TCP is.</summary>
    private async Task<LinkResult> DialSeedAsync(PeerInfo peer)
    {
        var target = TcpDialer.Describe(peer.Host, peer.Port);
        var dial = await TcpDialer.ConnectAsync(peer.Host, peer.Port, _options.ConnectTimeout, _time, _stopping.Token).ConfigureAwait(false);
        if (dial.Socket is null)
        {
            LogDialFailed(target, dial.Error!);
            return new LinkResult(false, peer.Name, $"Cannot link with {peer.Name} ({target}): {dial.Error}.");
        }

        var link = NewSeedLink(new FrameConnection(dial.Socket, _options.MaxPeerFrameBytes, _time), peer.Name, _ownName, isOutgoing: true);
        await RegisterAsync(link).ConfigureAwait(false);
        return _table.TryGetOpen(peer.Name, out var open)
            ? new LinkResult(true, open.PeerName)
            : new LinkResult(false, peer.Name, $"The link with {peer.Name} closed at once.");
    }

    private async Task<LinkResult> DialAsync(string host, int port, PeerInfo? expected)
    {
        var target = TcpDialer.Describe(host, port);
        try
        {
            if (expected is { Protocol: PeerProtocols.Seed })
            {
                return await DialSeedAsync(expected).ConfigureAwait(false);
            }

            var handshake = await LinkHandshake.DialAsync(host, port, _ownName, _options, _time, _stopping.Token).ConfigureAwait(false);
            if (handshake.Connection is not { } connection)
            {
                var who = expected is null ? target : $"{expected.Name} ({target})";
                LogDialFailed(target, handshake.Error!);
                return new LinkResult(false, expected?.Name, $"Cannot link with {who}: {handshake.Error}.");
            }

            var link = new PeerLink(connection, handshake.PeerName!, dialerName: _ownName, isOutgoing: true, _options, this, _time,
                _loggerFactory.CreateLogger<PeerLink>());
            if (expected is not null && !string.Equals(handshake.PeerName, expected.Name, StringComparison.OrdinalIgnoreCase))
            {
                // A stale listing: someone else holds that port now.
                await link.CloseAsync("Not the expected peer.", sayBye: true).ConfigureAwait(false);
                return new LinkResult(false, expected.Name, $"{target} answered as '{handshake.PeerName}', not '{expected.Name}'.");
            }

            await RegisterAsync(link).ConfigureAwait(false);
            // The other side may have closed ours as the twin of the link it dialed, which is about to open here.
            return await WaitForOpenLinkAsync(link.PeerName, RelinkGrace).ConfigureAwait(false) is { } open
                ? new LinkResult(true, open.PeerName)
                : new LinkResult(false, link.PeerName, $"The link with {link.PeerName} closed at once.");
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return new LinkResult(false, expected?.Name, "The agent has left the network.");
        }
        finally
        {
            if (expected is not null)
            {
                lock (_gate)
                {
                    _dials.Remove(expected.Name);
                }

                _table.EndConnecting(expected.Name);
                _changed.Notify();
            }
        }
    }

    private async Task RegisterAsync(DirectLink link)
    {
        bool closed;
        lock (_gate)
        {
            closed = _closed;
            if (!closed)
            {
                _live.Add(link);
            }
        }

        if (closed)
        {
            await link.CloseAsync("You left.", sayBye: true).ConfigureAwait(false);
            return;
        }

        List<TaskCompletionSource<DirectLink>>? waiters = null;
        (bool Opened, DirectLink? Loser) registered;
        lock (_gate)
        {
            registered = _table.Register(link);
            if (!ReferenceEquals(registered.Loser, link))
            {
                // Completed below, outside the lock.
                _linkWaiters.Remove(link.PeerName, out waiters);
            }
        }

        var (opened, loser) = registered;
        if (opened)
        {
            // Announced before the link starts reading: an accepted seed link already holds its first message, which
            // must not come before the line that says the link opened. An incoming link comes from an ephemeral port:
            // show where the peer listens when it is listed.
            var where = _directory.Find(link.PeerName) is { } listed
                ? TcpDialer.Describe(listed.Host, listed.Port)
                : link.RemoteEndPoint.ToString();
            LogLinkOpened(link.PeerName, link.RemoteEndPoint.ToString(), link.IsOutgoing);
            _notices.Raise(NoticeKind.LinkOpened, $"Link opened with {link.PeerName} ({where})", link.PeerName);
            AddSystemLine(link.PeerName, $"Link opened ({where}).");
        }

        link.Start();
        foreach (var waiter in waiters ?? [])
        {
            waiter.TrySetResult(link);
        }

        if (loser is not null)
        {
            LogDuplicate(link.PeerName, loser.DialerName);
            await loser.CloseAsync("Replaced by the other link of this pair.", sayBye: true).ConfigureAwait(false);
        }

        if (!ReferenceEquals(loser, link))
        {
            _table.MarkCurrent(link.PeerName);
        }

        _changed.Notify();
    }

    /// <summary>The open link with <paramref name="peerName"/>, waiting up to <paramref name="timeout"/> for one; null if none.</summary>
    private async Task<DirectLink?> WaitForOpenLinkAsync(string peerName, TimeSpan timeout)
    {
        var waiter = new TaskCompletionSource<DirectLink>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_table.TryGetOpen(peerName, out var open))
            {
                return open;
            }

            if (!_linkWaiters.TryGetValue(peerName, out var waiters))
            {
                _linkWaiters[peerName] = waiters = [];
            }

            waiters.Add(waiter);
        }

        try
        {
            return await waiter.Task.WaitAsync(timeout, _time, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            return null;
        }
        finally
        {
            lock (_gate)
            {
                if (_linkWaiters.TryGetValue(peerName, out var waiters) && waiters.Remove(waiter) && waiters.Count == 0)
                {
                    _linkWaiters.Remove(peerName);
                }
            }
        }
    }
}
