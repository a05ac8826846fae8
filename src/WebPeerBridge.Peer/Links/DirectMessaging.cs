using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using WebPeerBridge.Peer.Changes;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Peer.Identity;
using WebPeerBridge.Peer.Presence;
using WebPeerBridge.Peer.Transport;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Limits;
using WebPeerBridge.Protocol.Validation;

namespace WebPeerBridge.Peer.Links;

/// <summary>
/// Direct links coming and going: dials (one per peer at a time; TLS to a peer listed with a key), accepts (checked
/// against the directory by <see cref="LinkVerifier"/>), keeps one link per pair in the <see cref="LinkRegistry"/>,
/// and tells the user when links open and close. What the links carry is <see cref="DirectDelivery"/>'s.
/// </summary>
internal sealed partial class DirectMessaging : IPeerLinkOwner, IAsyncDisposable
{
    private const string LeftMessage = "The agent has left the network.";

    private readonly PeerAgentOptions _options;
    private readonly PeerDirectory _directory;
    private readonly MessageIds _ids;
    private readonly Action<AgentChange> _raise;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly LinkRegistry _registry = new();
    private readonly LinkTls _tls;
    private readonly LinkVerifier _verifier;
    private readonly OncePerInterval<IPAddress> _logLimitOnce;
    private readonly CountPerInterval<IPAddress> _newLinks;
    private readonly ITimer _idleSweep;
    private readonly ConcurrentDictionary<long, Task> _work = new();
    private readonly CancellationTokenSource _stopping = new();
    private long _nextWork;
    private int _disposed;

    public DirectMessaging(PeerAgentOptions options, PeerIdentity identity, ConversationStore conversations, PeerDirectory directory,
        MessageIds ids, Action<AgentChange> raise, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _options = options;
        _directory = directory;
        _ids = ids;
        _raise = raise;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<DirectMessaging>();
        _tls = new LinkTls(identity, options.MaxPeerFrameBytes, options.WriteTimeout, options.HelloTimeout, time);
        _verifier = new LinkVerifier(directory, options, time, loggerFactory.CreateLogger<LinkVerifier>());
        Delivery = new DirectDelivery(options, conversations, directory, ids, _registry, ConnectToPeerAsync, time);
        _logLimitOnce = new OncePerInterval<IPAddress>(options.RefusalLogInterval, time);
        _newLinks = new CountPerInterval<IPAddress>(TimeSpan.FromMinutes(1), time);
        // A link idle for between one and one and a half timeouts is closed.
        var sweep = options.LinkIdleTimeout / 2;
        _idleSweep = time.CreateTimer(_ => CloseIdleLinks(), null, sweep, sweep);
    }

    /// <summary>Sending and receiving on the links.</summary>
    public DirectDelivery Delivery { get; }

    /// <summary>The TLS step, for the listener.</summary>
    public LinkTls Tls => _tls;

    public string? CurrentPeer => _registry.CurrentPeer;

    public DirectLinkState GetState(string peerName) => _registry.GetState(peerName);

    /// <summary>Links with a socket, open or closing (for tests: exactly one per pair once things settle).</summary>
    public int LiveLinkCount => _registry.LiveCount;

    public IReadOnlyList<DirectLink> OpenLinks => _registry.OpenLinks;

    /// <summary>For diagnostics: every link with a socket.</summary>
    public string DescribeLinks() => _registry.Describe();

    /// <summary>Who dialed the open link with <paramref name="peerName"/> (both sides agree once a race has settled).</summary>
    public string? OpenLinkDialer(string peerName) => _registry.OpenLinkDialer(peerName);

    /// <summary>
    /// Whether what is said with <paramref name="peerName"/> cannot be proven to come from that peer: its open link is
    /// plain or seed, or, with no link open, the directory lists it without a key.
    /// </summary>
    public bool IsUnverified(string peerName)
    {
        if (_registry.TryGetOpen(peerName, out var link))
        {
            return !link.IsVerified;
        }

        return _directory.Find(peerName) is { Key: null };
    }

    /// <summary>Opens a link to <paramref name="host"/>:<paramref name="port"/> (the seed's <c>conn:</c>).</summary>
    public async Task<LinkResult> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        if (_directory.FindByEndpoint(host, port) is { } listed)
        {
            return await ConnectToPeerAsync(listed.Name, cancellationToken).ConfigureAwait(false);
        }

        if (_registry.IsClosed)
        {
            return new LinkResult(LinkOutcome.NotJoined, null, LeftMessage);
        }

        if (_options.RestrictUnlistedDials && !UnlistedDials.Allowed(host, port, _options.PeerPortMin, _options.PeerPortMax))
        {
            // One answer for every refused target: it tells nothing about what listens where.
            return new LinkResult(LinkOutcome.Invalid, null,
                $"{TcpDialer.Describe(host, port)} is no listed peer. From here, conn: reaches listed peers, and LAN addresses on ports {_options.PeerPortMin}–{_options.PeerPortMax}.");
        }

        var dial = Track(() => DialAsync(host, port, expected: null));
        return await dial.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens a link to a listed peer, or returns the open one. Concurrent calls for one peer share one dial.</summary>
    public async Task<LinkResult> ConnectToPeerAsync(string peerName, CancellationToken cancellationToken)
    {
        if (_registry.TryGetOpen(peerName, out var open))
        {
            _registry.MarkCurrent(open.PeerName);
            return new LinkResult(LinkOutcome.Open, open.PeerName);
        }

        if (_directory.Find(peerName) is not { } peer)
        {
            return new LinkResult(LinkOutcome.PeerOffline, peerName, DirectDelivery.UnknownPeer(peerName));
        }

        var dial = _registry.GetOrStartDial(peer.Name, () => Track(() => DialAsync(peer.Host, peer.Port, peer)));
        if (dial is null)
        {
            return new LinkResult(LinkOutcome.NotJoined, peer.Name, LeftMessage);
        }

        _raise(new LinkChanged(peer.Name));
        return await dial.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <paramref name="peer"/> is back: what waited for it is taken now, on the caller's loop (in the order joins and
    /// leaves arrive, so a leave right after finds its own entry), and goes out off it.
    /// </summary>
    public void SendQueued(PeerInfo peer)
    {
        var back = Delivery.TakeQueued(peer);
        if (back.Waiting.Count == 0)
        {
            return;
        }

        _ = Track(async () =>
        {
            await Delivery.SendQueuedAsync(peer, back).ConfigureAwait(false);
            return true;
        });
    }

    /// <summary>Closes the link with <paramref name="peerName"/> with a bye; false when none is open.</summary>
    public async Task<bool> CloseAsync(string peerName)
    {
        if (!_registry.TryGetOpen(peerName, out var link))
        {
            return false;
        }

        await link.CloseAsync("You closed it.", sayBye: true).ConfigureAwait(false);
        return true;
    }

    /// <summary>Says bye on every link and closes them; no new links afterwards.</summary>
    public async Task CloseAllAsync()
    {
        await _idleSweep.DisposeAsync().ConfigureAwait(false);
        var links = _registry.Close();
        try
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }

        await Task.WhenAll(links.Select(l => l.CloseAsync("You left.", sayBye: true))).ConfigureAwait(false);
        await Task.WhenAll(_work.Values).ConfigureAwait(false);
        // Links that registered while the others closed.
        await Task.WhenAll(_registry.LiveLinks.Select(l => l.CloseAsync("You left.", sayBye: true))).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // _stopping is not disposed: a dial that started as the agent left may still read its token (it holds no handle).
        await CloseAllAsync().ConfigureAwait(false);
    }

    /// <summary>The listener's handler for a TLS or plain v1 connection: the hellos, checked against the directory.</summary>
    public async Task AcceptAsync(FrameConnection connection, CancellationToken cancellationToken)
    {
        if (TooMany(connection.RemoteEndPoint.Address) is { } limit)
        {
            try
            {
                await connection.SendAsync(new ErrorFrame(ErrorCodes.TooMany, limit), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // Gone already.
            }

            await connection.DisposeAsync().ConfigureAwait(false);
            return;
        }

        string? name = null;
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
            name = await LinkHandshake.AcceptAsync(connection, _options.Name, _options.HelloTimeout,
                (hello, ct) => _verifier.VerifyAsync(hello, connection.PeerKey, connection.RemoteEndPoint, ct), _time, linked.Token)
                .ConfigureAwait(false);
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

        // Named as the directory lists it: the hello's spelling may differ in case.
        var listedName = _directory.Find(name)?.Name ?? name;
        await RegisterAsync(new PeerLink(connection, listedName, dialerName: listedName, isOutgoing: false, _options, this, _time,
            _loggerFactory.CreateLogger<PeerLink>())).ConfigureAwait(false);
    }

    /// <summary>
    /// The listener's handler for a connection whose first byte is neither TLS nor <c>{</c>: the seed client, which
    /// names itself nowhere. It is the listed seed peer at that address when there is exactly one, else it is shown by
    /// its address.
    /// </summary>
    public async Task AcceptSeedAsync(FrameConnection connection, CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        var remote = connection.RemoteEndPoint;
        if (TooMany(remote.Address) is not null)
        {
            // A classic client shows whatever it reads as a message: it gets no error text, only the close.
            await connection.DisposeAsync().ConfigureAwait(false);
            return;
        }

        var candidates = _directory.Peers
            .Where(p => p.Protocol == PeerProtocols.Seed && string.Equals(p.Host, remote.Address.ToString(), StringComparison.OrdinalIgnoreCase))
            .ToList();
        var name = candidates.Count == 1 ? candidates[0].Name : remote.ToString();
        await RegisterAsync(NewSeedLink(connection, name, dialerName: name, isOutgoing: false)).ConfigureAwait(false);
    }

    void IPeerLinkOwner.OnMessageReceived(DirectLink link, string id, string text, DateTimeOffset? at) => Delivery.Received(link, id, text, at);

    void IPeerLinkOwner.OnAcked(DirectLink link, string id) => Delivery.Acked(link, id);

    void IPeerLinkOwner.OnAckTimedOut(DirectLink link, string id) => Delivery.AckTimedOut(link, id);

    void IPeerLinkOwner.OnRefused(DirectLink link, string id, string message) => Delivery.Refused(link, id, message);

    async ValueTask IPeerLinkOwner.OnLinkClosedAsync(DirectLink link, string reason, IReadOnlyList<PendingDm> unacked)
    {
        var (wasOpen, replacement) = _registry.Remove(link);
        if (unacked.Count > 0)
        {
            if (replacement is not null)
            {
                await Delivery.ResendOnAsync(replacement, link.PeerName, unacked).ConfigureAwait(false);
            }
            else if (link.ClosedByPeer)
            {
                // Perhaps its twin from a simultaneous dial is about to open here: give it a moment.
                _ = Track(async () =>
                {
                    var next = await _registry.WaitForOpenAsync(link.PeerName, _options.RelinkGrace, _time, _stopping.Token).ConfigureAwait(false);
                    await Delivery.ResendOnAsync(next, link.PeerName, unacked).ConfigureAwait(false);
                    return true;
                });
            }
            else
            {
                await Delivery.ResendOnAsync(null, link.PeerName, unacked).ConfigureAwait(false);
            }
        }

        if (wasOpen)
        {
            // No line in the conversation: what the person needs there is whether the peer is online ("carol left").
            LogLinkClosed(link.PeerName, reason);
            _raise(new NoticeRaised(new AgentNotice(NoticeKind.LinkClosed, link.PeerName, Detail: reason)));
        }

        _raise(new LinkChanged(link.PeerName));
    }

    /// <summary>Why one more incoming link from <paramref name="address"/> is refused, or null when it is welcome.</summary>
    private string? TooMany(System.Net.IPAddress address)
    {
        string? reason = null;
        if (_registry.LiveCount >= _options.MaxLinks)
        {
            reason = $"This peer has {_options.MaxLinks} direct links open, its limit; try again later.";
        }
        else if (_registry.IncomingFrom(address) >= _options.MaxLinksPerAddress)
        {
            reason = $"{_options.MaxLinksPerAddress} direct links from your address are open here, the limit per address.";
        }
        else if (!_newLinks.TryCount(address, _options.MaxNewLinksPerAddressPerMinute))
        {
            // Also bounds the lines and notices that new links bring: a host that connects in a loop is refused here.
            reason = $"{_options.MaxNewLinksPerAddressPerMinute} new direct links from your address this minute, the limit; try again later.";
        }

        if (reason is not null && _logLimitOnce.TryEnter(address))
        {
            LogTooMany(address.ToString(), reason);
        }

        return reason;
    }

    /// <summary>Closes the v1 links idle for longer than <see cref="PeerAgentOptions.LinkIdleTimeout"/>; the next message dials again.</summary>
    private void CloseIdleLinks()
    {
        foreach (var link in _registry.OpenLinks)
        {
            if (link.IdleFor >= _options.LinkIdleTimeout)
            {
                _ = Track(async () =>
                {
                    await link.CloseAsync($"Idle for {_options.LinkIdleTimeout.TotalMinutes:0.#} min; the next message opens it again.", sayBye: true)
                        .ConfigureAwait(false);
                    return true;
                });
            }
        }
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
            return new LinkResult(LinkOutcome.Unreachable, peer.Name, $"Cannot link with {peer.Name} ({target}): {dial.Error}.");
        }

        var link = NewSeedLink(new FrameConnection(dial.Socket, _options.MaxPeerFrameBytes, _options.WriteTimeout, _time), peer.Name, _options.Name, isOutgoing: true);
        await RegisterAsync(link).ConfigureAwait(false);
        return _registry.TryGetOpen(peer.Name, out var open)
            ? new LinkResult(LinkOutcome.Open, open.PeerName)
            : new LinkResult(LinkOutcome.Closed, peer.Name, $"The link with {peer.Name} closed at once.");
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

            var handshake = await LinkHandshake.DialAsync(host, port, _options.Name, expected?.Key, _tls, _options, _time, _stopping.Token)
                .ConfigureAwait(false);
            var who = expected is null ? target : $"{expected.Name} ({target})";
            if (handshake.Connection is not { } connection)
            {
                LogDialFailed(target, TextRules.ForLog(handshake.Error));
                return new LinkResult(handshake.Outcome, expected?.Name, $"Cannot link with {who}: {handshake.Error}.");
            }

            var link = new PeerLink(connection, handshake.PeerName!, dialerName: _options.Name, isOutgoing: true, _options, this, _time,
                _loggerFactory.CreateLogger<PeerLink>());
            if (Mismatch(handshake.PeerName!, expected, connection.PeerKey) is { } mismatch)
            {
                await link.CloseAsync("Not the expected peer.", sayBye: true).ConfigureAwait(false);
                LogDialFailed(target, TextRules.ForLog(mismatch.Error));
                return mismatch;
            }

            await RegisterAsync(link).ConfigureAwait(false);
            // The other side may have closed ours as the twin of the link it dialed, which is about to open here.
            return await _registry.WaitForOpenAsync(link.PeerName, _options.RelinkGrace, _time, _stopping.Token).ConfigureAwait(false) is { } open
                ? new LinkResult(LinkOutcome.Open, open.PeerName)
                : new LinkResult(LinkOutcome.Closed, link.PeerName, $"The link with {link.PeerName} closed at once.");
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return new LinkResult(LinkOutcome.NotJoined, expected?.Name, LeftMessage);
        }
        finally
        {
            if (expected is not null)
            {
                _registry.EndDial(expected.Name);
                _raise(new LinkChanged(expected.Name));
            }
        }

        LinkResult? Mismatch(string answered, PeerInfo? listed, string? key)
        {
            if (listed is not null && !string.Equals(answered, listed.Name, StringComparison.OrdinalIgnoreCase))
            {
                // A stale listing: someone else holds that port now.
                return new LinkResult(LinkOutcome.Refused, listed.Name, $"{target} answered as '{answered}', not '{listed.Name}'.");
            }

            if (key is null && _directory.Find(answered) is { Key: not null } keyed)
            {
                // conn: to an address nobody is listed at, and it claims a name that has a key: it cannot prove it.
                return new LinkResult(LinkOutcome.Unverified, keyed.Name,
                    $"{target} answered as '{keyed.Name}', but could not be verified: '{keyed.Name}' is listed with a key at another address.");
            }

            return null;
        }
    }

    private async Task RegisterAsync(DirectLink link)
    {
        var registration = _registry.Register(link);
        if (registration.Refused)
        {
            await link.CloseAsync("You left.", sayBye: true).ConfigureAwait(false);
            return;
        }

        if (registration.Opened)
        {
            // Announced before the link starts reading, so the notice comes before the first message it carries. An
            // incoming link comes from an ephemeral port: show where the peer listens when it is listed.
            var where = _directory.Find(link.PeerName) is { } listed
                ? TcpDialer.Describe(listed.Host, listed.Port)
                : link.RemoteEndPoint.ToString();
            LogLinkOpened(link.PeerName, link.RemoteEndPoint.ToString(), link.IsOutgoing, link.IsVerified);
            _raise(new NoticeRaised(new AgentNotice(NoticeKind.LinkOpened, link.PeerName, where, Verified: link.IsVerified)));
        }

        link.Start();
        foreach (var waiter in registration.Waiters)
        {
            waiter.TrySetResult(link);
        }

        if (registration.Loser is { } loser)
        {
            LogDuplicate(link.PeerName, loser.DialerName);
            await loser.CloseAsync("Replaced by the other link of this pair.", sayBye: true).ConfigureAwait(false);
        }

        _raise(new LinkChanged(link.PeerName));
    }

    /// <summary>Runs <paramref name="work"/> as a task that disposal waits for.</summary>
    private Task<T> Track<T>(Func<Task<T>> work)
    {
        var id = Interlocked.Increment(ref _nextWork);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = Task.Run(async () =>
        {
            await start.Task.ConfigureAwait(false);
            try
            {
                return await work().ConfigureAwait(false);
            }
            finally
            {
                _work.TryRemove(id, out _);
            }
        }, CancellationToken.None);
        _work[id] = task;
        start.SetResult();
        return task;
    }
}
