using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Peer.Notices;
using WebPeerBridge.Peer.Presence;
using WebPeerBridge.Peer.Transport;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Validation;

namespace WebPeerBridge.Peer.Links;

/// <summary>
/// Direct conversations over direct links: dials (one dial per peer at a time), accepts, keeps one link per pair
/// (<see cref="LinkTable"/>), sends dms and follows each to delivered or failed, and tells the user when links open and
/// close.
/// </summary>
internal sealed partial class DirectMessaging : IPeerLinkOwner, IAsyncDisposable
{
    /// <summary>
    /// How long a link closed by a <c>bye</c> keeps its unconfirmed messages waiting for a new link with that peer. When
    /// both sides dial at once, the other side may close the link we just used before its twin is open here.
    /// </summary>
    public static readonly TimeSpan RelinkGrace = TimeSpan.FromSeconds(3);

    private readonly string _ownName;
    private readonly PeerAgentOptions _options;
    private readonly ConversationStore _conversations;
    private readonly PeerDirectory _directory;
    private readonly MessageIds _ids;
    private readonly NoticeHub _notices;
    private readonly ChangeNotifier _changed;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly LinkTable _table = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Task<LinkResult>> _dials = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<DirectLink> _live = [];
    private readonly Dictionary<string, List<TaskCompletionSource<DirectLink>>> _linkWaiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<long, Task> _work = new();
    private readonly CancellationTokenSource _stopping = new();
    private long _nextWork;
    private bool _closed;
    private int _disposed;

    public DirectMessaging(string ownName, PeerAgentOptions options, ConversationStore conversations, PeerDirectory directory, MessageIds ids,
        NoticeHub notices, ChangeNotifier changed, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _ownName = ownName;
        _options = options;
        _conversations = conversations;
        _directory = directory;
        _ids = ids;
        _notices = notices;
        _changed = changed;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<DirectMessaging>();
    }

    public string? CurrentPeer => _table.CurrentPeer;

    public DirectLinkState GetState(string peerName) => _table.GetState(peerName);

    /// <summary>Links with a socket, open or closing (for tests: exactly one per pair once things settle).</summary>
    public int LiveLinkCount
    {
        get
        {
            lock (_gate)
            {
                return _live.Count;
            }
        }
    }

    public IReadOnlyList<DirectLink> OpenLinks => _table.OpenLinks;

    /// <summary>For diagnostics: every link with a socket.</summary>
    public string DescribeLinks()
    {
        lock (_gate)
        {
            return string.Join("; ", _live.Select(l => $"{l} open={_table.TryGetOpen(l.PeerName, out var o) && ReferenceEquals(o, l)} done={l.Completion.IsCompleted}"));
        }
    }

    /// <summary>Who dialed the open link with <paramref name="peerName"/> (both sides agree once a race has settled).</summary>
    public string? OpenLinkDialer(string peerName) => _table.TryGetOpen(peerName, out var link) ? link.DialerName : null;

    /// <summary>Opens a link to <paramref name="host"/>:<paramref name="port"/> (the seed's <c>conn:</c>).</summary>
    public async Task<LinkResult> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        if (_directory.FindByEndpoint(host, port) is { } listed)
        {
            return await ConnectToPeerAsync(listed.Name, cancellationToken).ConfigureAwait(false);
        }

        lock (_gate)
        {
            if (_closed)
            {
                return new LinkResult(false, null, "The agent has left the network.");
            }
        }

        var dial = Track(() => DialAsync(host, port, expected: null));
        return await dial.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens a link to a listed peer, or returns the open one. Concurrent calls for one peer share one dial.</summary>
    public async Task<LinkResult> ConnectToPeerAsync(string peerName, CancellationToken cancellationToken)
    {
        if (_table.TryGetOpen(peerName, out var open))
        {
            _table.MarkCurrent(open.PeerName);
            return new LinkResult(true, open.PeerName);
        }

        if (_directory.Find(peerName) is not { } peer)
        {
            return new LinkResult(false, peerName, UnknownPeer(peerName));
        }

        Task<LinkResult> dial;
        lock (_gate)
        {
            if (_closed)
            {
                return new LinkResult(false, peer.Name, "The agent has left the network.");
            }

            if (!_dials.TryGetValue(peer.Name, out dial!))
            {
                _table.BeginConnecting(peer.Name);
                dial = Track(() => DialAsync(peer.Host, peer.Port, peer));
                _dials[peer.Name] = dial;
            }
        }

        _changed.Notify();
        return await dial.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends <paramref name="text"/> to <paramref name="peerName"/>, dialing when no link is open.</summary>
    public async Task<SendResult> SendAsync(string peerName, string text, CancellationToken cancellationToken)
    {
        var check = TextRules.NormalizeText(text, ProtocolLimits.MaxTextLength, out var normalized);
        if (!check.IsValid)
        {
            return new SendResult(false, null, check.Message);
        }

        string name;
        if (_table.TryGetOpen(peerName, out var link))
        {
            name = link.PeerName;
        }
        else if (_directory.Find(peerName) is { } peer)
        {
            name = peer.Name;
        }
        else
        {
            return new SendResult(false, null, UnknownPeer(peerName));
        }

        var conversation = OpenConversation(name);
        var id = _ids.NextDirect();
        var at = _time.GetUtcNow();
        conversation.Add(new ChatMessage(id, _ownName, normalized, at, IsOwn: true, DeliveryState.Sending));
        _table.MarkCurrent(name);
        return await DeliverAsync(conversation, name, id, normalized, at, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a failed own dm again, under the same id (the receiver shows it once).</summary>
    public async Task<SendResult> ResendAsync(string peerName, string messageId, CancellationToken cancellationToken)
    {
        var conversation = _conversations.Find(peerName);
        var message = conversation?.Snapshot().FirstOrDefault(m => m.Id == messageId);
        if (conversation is null || message is not { IsOwn: true, Kind: ChatMessageKind.Chat })
        {
            return new SendResult(false, messageId, "There is no own message with that id.");
        }

        if (message.State != DeliveryState.Failed)
        {
            return new SendResult(false, messageId, "Only a failed message can be sent again.");
        }

        conversation.Update(messageId, m => m with { State = DeliveryState.Sending, Error = null });
        return await DeliverAsync(conversation, conversation.Key, messageId, message.Text, message.At, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the link with <paramref name="peerName"/> with a bye; false when none is open.</summary>
    public async Task<bool> CloseAsync(string peerName)
    {
        if (!_table.TryGetOpen(peerName, out var link))
        {
            return false;
        }

        await link.CloseAsync("You closed it.", sayBye: true).ConfigureAwait(false);
        return true;
    }

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

    /// <summary>Says bye on every link and closes them; no new links afterwards.</summary>
    public async Task CloseAllAsync()
    {
        DirectLink[] links;
        lock (_gate)
        {
            _closed = true;
            links = [.. _live];
        }

        try
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }

        await Task.WhenAll(links.Select(l => l.CloseAsync("You left.", sayBye: true))).ConfigureAwait(false);
        await Task.WhenAll(_work.Values).ConfigureAwait(false);
        lock (_gate)
        {
            links = [.. _live];
        }

        // Links registered while the others closed.
        await Task.WhenAll(links.Select(l => l.CloseAsync("You left.", sayBye: true))).ConfigureAwait(false);
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

    void IPeerLinkOwner.OnMessageReceived(DirectLink link, string id, string text, DateTimeOffset? at)
    {
        var conversation = OpenConversation(link.PeerName);
        // Keyed by the sender's id: a dm sent again (its ack was lost) replaces the line instead of showing twice.
        conversation.Add(new ChatMessage(MessageIds.ForReceivedDm(id), link.PeerName, text, at ?? _time.GetUtcNow(), IsOwn: false,
            DeliveryState.None));
        _table.MarkCurrent(link.PeerName);
    }

    void IPeerLinkOwner.OnAcked(DirectLink link, string id) =>
        _conversations.Find(link.PeerName)?.Update(id, m => m.State is DeliveryState.Sending or DeliveryState.Failed
            ? m with { State = DeliveryState.Delivered, Error = null }
            : m);

    void IPeerLinkOwner.OnAckTimedOut(DirectLink link, string id) =>
        MarkFailed(link.PeerName, id, $"{link.PeerName} did not confirm it within {_options.AckTimeout.TotalSeconds:0.#} s.");

    void IPeerLinkOwner.OnRefused(DirectLink link, string id, string message) =>
        MarkFailed(link.PeerName, id, $"{link.PeerName} refused it: {message}");

    async ValueTask IPeerLinkOwner.OnLinkClosedAsync(DirectLink link, string reason, IReadOnlyList<PendingDm> unacked)
    {
        lock (_gate)
        {
            _live.Remove(link);
        }

        var (wasOpen, stillOpen) = _table.Remove(link);
        if (unacked.Count > 0)
        {
            if (stillOpen && _table.TryGetOpen(link.PeerName, out var other))
            {
                await ResendOnAsync(other, link.PeerName, unacked).ConfigureAwait(false);
            }
            else if (link.ClosedByPeer)
            {
                // Perhaps its twin from a simultaneous dial is about to open here: give it a moment.
                _ = Track(async () =>
                {
                    var next = await WaitForOpenLinkAsync(link.PeerName, RelinkGrace).ConfigureAwait(false);
                    await ResendOnAsync(next, link.PeerName, unacked).ConfigureAwait(false);
                    return true;
                });
            }
            else
            {
                await ResendOnAsync(null, link.PeerName, unacked).ConfigureAwait(false);
            }
        }

        if (wasOpen)
        {
            LogLinkClosed(link.PeerName, reason);
            AddSystemLine(link.PeerName, $"Link closed: {reason}");
            _notices.Raise(NoticeKind.LinkClosed, $"Link with {link.PeerName} closed: {reason}", link.PeerName);
        }

        _changed.Notify();
    }

    /// <summary>Sends <paramref name="unacked"/> on <paramref name="link"/>; marks them failed when there is none or it fails.</summary>
    private async Task ResendOnAsync(DirectLink? link, string peerName, IReadOnlyList<PendingDm> unacked)
    {
        foreach (var message in unacked)
        {
            // Same id: the receiver shows a message it already had only once.
            if (link is null || !await link.SendAsync(message.Id, message.Text, message.At, CancellationToken.None).ConfigureAwait(false))
            {
                MarkFailed(peerName, message.Id, $"The link with {peerName} closed before it confirmed this message.");
            }
        }
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

    private async Task<SendResult> DeliverAsync(Conversation conversation, string name, string id, string text, DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        if (!_table.TryGetOpen(name, out var link))
        {
            var connected = await ConnectToPeerAsync(name, cancellationToken).ConfigureAwait(false);
            if (!connected.Success || !_table.TryGetOpen(name, out link))
            {
                var error = connected.Error ?? $"The link with {name} closed.";
                conversation.Update(id, m => m with { State = DeliveryState.Failed, Error = error });
                return new SendResult(false, id, error);
            }
        }

        if (!await link.SendAsync(id, text, at, cancellationToken).ConfigureAwait(false))
        {
            var error = $"The link with {name} closed before the message went out.";
            // The link may have handed it on as unconfirmed already; a later ack still turns it delivered.
            conversation.Update(id, m => m.State == DeliveryState.Sending ? m with { State = DeliveryState.Failed, Error = error } : m);
            return new SendResult(false, id, error);
        }

        if (!link.GivesReceipts)
        {
            conversation.Update(id, m => m.State == DeliveryState.Sending ? m with { State = DeliveryState.Sent } : m);
        }

        return new SendResult(true, id);
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

        if (opened)
        {
            // An incoming link comes from an ephemeral port: show where the peer listens when it is listed.
            var where = _directory.Find(link.PeerName) is { } listed
                ? TcpDialer.Describe(listed.Host, listed.Port)
                : link.RemoteEndPoint.ToString();
            LogLinkOpened(link.PeerName, link.RemoteEndPoint.ToString(), link.IsOutgoing);
            _notices.Raise(NoticeKind.LinkOpened, $"Link opened with {link.PeerName} ({where})", link.PeerName);
            AddSystemLine(link.PeerName, $"Link opened ({where}).");
        }

        _changed.Notify();
    }

    private Conversation OpenConversation(string peerName)
    {
        var conversation = _conversations.Open(peerName, out var created);
        if (created)
        {
            _changed.Notify();
        }

        return conversation;
    }

    private void MarkFailed(string peerName, string id, string error) =>
        _conversations.Find(peerName)?.Update(id, m => m.State is DeliveryState.Sending or DeliveryState.Sent
            ? m with { State = DeliveryState.Failed, Error = error }
            : m);

    private void AddSystemLine(string peerName, string text) =>
        _conversations.Find(peerName)?.Add(new ChatMessage(_ids.NextSystem(), "", text, _time.GetUtcNow(), IsOwn: false, DeliveryState.None,
            ChatMessageKind.System));

    private static string UnknownPeer(string peerName) => $"No peer named '{peerName}' is online. Type /peers to see who is.";

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

    [LoggerMessage(1, LogLevel.Information, "Link opened with {Peer} at {Remote} (outgoing: {Outgoing})")]
    private partial void LogLinkOpened(string peer, string remote, bool outgoing);

    [LoggerMessage(2, LogLevel.Information, "Link with {Peer} closed: {Reason}")]
    private partial void LogLinkClosed(string peer, string reason);

    [LoggerMessage(3, LogLevel.Information, "Two links with {Peer}: closing the one dialed by {Dialer}")]
    private partial void LogDuplicate(string peer, string dialer);

    [LoggerMessage(4, LogLevel.Information, "Dialing {Target} failed: {Error}")]
    private partial void LogDialFailed(string target, string error);

    [LoggerMessage(5, LogLevel.Information, "Hello from {Remote} failed: {Message}")]
    private partial void LogHandshakeFailed(string remote, string message);
}
