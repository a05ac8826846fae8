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
}
