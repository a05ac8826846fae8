using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebPeerBridge.Peer.Changes;
using WebPeerBridge.Peer.Commands;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Peer.Identity;
using WebPeerBridge.Peer.Links;
using WebPeerBridge.Peer.Mentions;
using WebPeerBridge.Peer.Presence;
using WebPeerBridge.Peer.Rendezvous;
using WebPeerBridge.Peer.Transport;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Validation;

namespace WebPeerBridge.Peer;

/// <summary>
/// One participant of the network: a rendezvous link that reconnects by itself, a peer listener, direct links, and
/// the conversations a UI renders. Thread-safe. Subscribers hear typed changes (<see cref="AgentChange"/>) in order, on
/// the agent's dispatch loop (one per agent), never on a socket's read loop.
/// </summary>
/// <remarks>
/// The agent composes its parts and routes between them: <see cref="RendezvousLink"/> (server connection and reconnect),
/// <see cref="BroadcastStream"/> (broadcasts and their delivery), <see cref="PeerDirectory"/> (presence),
/// <see cref="PeerListener"/> and <see cref="DirectMessaging"/> (direct links and dms), <see cref="CommandExecutor"/>
/// (typed lines).
/// </remarks>
public sealed partial class PeerAgent : IAsyncDisposable
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly MessageIds _ids = new();
    private readonly ConversationStore _conversations;
    private readonly PeerDirectory _directory;
    private readonly ChangeFeed _feed;
    private readonly MentionList _mentions;
    private readonly PresenceBursts _bursts;
    private readonly RendezvousLink _rendezvous;
    private readonly BroadcastStream _broadcasts;
    private readonly DirectMessaging _messaging;
    private readonly CommandExecutor _commands;
    private readonly Lock _gate = new();
    private PeerListener? _listener;
    private PeerInfo? _self;
    private string? _startError;
    private bool _started;
    private Task? _leaving;
    private int _disposed;

    public PeerAgent(PeerAgentOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _ownsIdentity = options.Identity is null;
        Identity = options.Identity
            ?? (options.Restore is { } restore ? PeerIdentity.Import(restore.Identity) : PeerIdentity.Create(options.Name, timeProvider));
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<PeerAgent>();
        _time = timeProvider ?? TimeProvider.System;
        _directory = new PeerDirectory(options.PeerPool ?? PeerPool.Shared);
        _feed = new ChangeFeed(options.ChangeQueueCapacity, _loggerFactory);
        _mentions = new MentionList(options.MentionListCapacity);
        _bursts = new PresenceBursts(options.PresenceBurstCapacity, options.PresenceBurstWindow);
        _conversations = new ConversationStore(options.HistoryCapPerConversation, options.MaxDirectConversations, options.Name, OnConversationChange);
        _rendezvous = new RendezvousLink(options, options.PublishKey ? Identity.Key : null, new RendezvousEvents(this),
            new ExponentialBackoffPolicy(options.ReconnectMinDelay, options.ReconnectMaxDelay), _time, _loggerFactory.CreateLogger<RendezvousLink>());
        _broadcasts = new BroadcastStream(_conversations.Broadcast, options.Name, _ids, _rendezvous, _time, options.HistoryCapPerConversation,
            options.MaxPendingBroadcasts);
        _messaging = new DirectMessaging(options, Identity, _conversations, _directory, _ids, Raise, _time, _loggerFactory);
        _commands = new CommandExecutor(this);
        if (options.Restore is { } snapshot)
        {
            RestoreFrom(snapshot);
        }
    }

    public PeerAgentOptions Options { get; }

    /// <summary>This agent's link key and certificate, kept for its life (see <see cref="PeerAgentOptions.Identity"/>).</summary>
    public PeerIdentity Identity { get; }

    private readonly bool _ownsIdentity;

    /// <summary>The registered name.</summary>
    public string Name => Options.Name;

    /// <summary>The port of the peer listener; 0 before <see cref="StartAsync"/>.</summary>
    public int PeerPort => Volatile.Read(ref _listener)?.Port ?? 0;

    /// <summary>This agent as the server announced it (host and port others dial); null before the first welcome.</summary>
    public PeerInfo? Self => Volatile.Read(ref _self);

    /// <summary>The rendezvous link's state.</summary>
    public RendezvousState State => Volatile.Read(ref _startError) is null ? _rendezvous.State : RendezvousState.Closed;

    /// <summary>Detail of the state for the user (the last error, the next retry), or null.</summary>
    public string? StateDetail => Volatile.Read(ref _startError) ?? _rendezvous.StateDetail;

    /// <summary>Everyone else online, in join order.</summary>
    public IReadOnlyList<PeerInfo> Peers => _directory.Peers;

    /// <summary>The broadcast stream.</summary>
    public Conversation Broadcast => _conversations.Broadcast;

    /// <summary>The direct conversations, in the order they started.</summary>
    public IReadOnlyList<Conversation> DirectConversations => _conversations.Directs;

    /// <summary>The peer <c>to_peer:</c> goes to: the link last opened or used, else the only open link.</summary>
    public string? CurrentPeer => _messaging.CurrentPeer;

    /// <summary>The names of the peers with an open direct link.</summary>
    public IReadOnlyList<string> LinkedPeers => [.. _messaging.OpenLinks.Select(l => l.PeerName)];

    /// <summary>Sockets of direct links, open or closing: one per linked peer once things settle.</summary>
    internal int LiveLinkCount => _messaging.LiveLinkCount;

    /// <summary>Who dialed the open link with <paramref name="peerName"/>: both sides agree once a simultaneous dial has settled.</summary>
    internal string? OpenLinkDialer(string peerName) => _messaging.OpenLinkDialer(peerName);

    /// <summary>For diagnostics in tests: every link with a socket.</summary>
    internal string DescribeLinks() => _messaging.DescribeLinks();

    /// <summary>
    /// What this agent needs to come back after a restart of its process: give it to a new agent as
    /// <see cref="PeerAgentOptions.Restore"/>. Holds the private key: keep it where only the bridge can read it.
    /// </summary>
    public Persistence.AgentSnapshot CaptureSnapshot()
    {
        var conversations = _conversations.Directs.Prepend(_conversations.Broadcast)
            .Select(c => new Persistence.ConversationSnapshot(c.Key, c.Snapshot(), c.Unread))
            .ToList();
        return new Persistence.AgentSnapshot(Name, Identity.Export(), _rendezvous.ResumeToken, _broadcasts.ResumeSeq, conversations);
    }

    private void RestoreFrom(Persistence.AgentSnapshot snapshot)
    {
        var now = _time.GetUtcNow();
        foreach (var saved in snapshot.Conversations)
        {
            var conversation = saved.Key == Conversation.BroadcastKey ? _conversations.Broadcast : _conversations.Open(saved.Key, out _);
            // What was on its way when the process stopped did not arrive as far as this agent knows: the user may resend it.
            var lines = saved.Messages.Select(m => m.IsOwn && m.State is DeliveryState.Sending or DeliveryState.Sent or DeliveryState.Queued
                ? m with { State = DeliveryState.Failed, Error = "The bridge restarted before this was confirmed; send it again." }
                : m);
            conversation.Restore(lines, saved.Unread);
            conversation.Add(ChatMessage.System(_ids.NextSystem(), new SystemLine(SystemLineKind.BridgeRestarted), now));
        }

        if (snapshot.LastSeq is { } lastSeq)
        {
            _broadcasts.Resume(lastSeq);
        }
    }

    /// <summary>The direct conversation with <paramref name="peerName"/> (ignoring case), if there is one.</summary>
    public Conversation? FindDirect(string peerName) => _conversations.Find(peerName);

    /// <summary>The direct conversation with <paramref name="peerName"/>, created when missing.</summary>
    public Conversation OpenDirect(string peerName)
    {
        ArgumentNullException.ThrowIfNull(peerName);
        if (_conversations.Find(peerName) is { } existing)
        {
            // Also a seed client's conversation, which may be keyed by its address rather than a name.
            return existing;
        }

        var check = TextRules.ValidateName(peerName);
        if (!check.IsValid)
        {
            throw new ArgumentException(check.Message, nameof(peerName));
        }

        return _conversations.Open(_directory.Find(peerName)?.Name ?? peerName, out _);
    }

    /// <summary>Whether a message to <paramref name="peerName"/>, who is offline, would wait for it (see <see cref="PeerAgentOptions.MaxQueuedDirectPerPeer"/>).</summary>
    public bool QueuesFor(string peerName) => _messaging.Delivery.Queues(peerName);

    /// <summary>
    /// Why a message to <paramref name="peerName"/>, who is offline, could not be sent now (it has no key, or messages do
    /// not wait for it); null when it would wait for it (<see cref="QueuesFor"/>).
    /// </summary>
    public DeliveryFailure? OfflineFailureFor(string peerName) => _messaging.Delivery.OfflineFailure(peerName);

    /// <summary>Gone peers the offline queue remembers (for tests of its bound).</summary>
    internal int OfflinePeerCount => _messaging.Delivery.OfflinePeerCount;

    /// <summary>The state of the direct link with <paramref name="peerName"/>.</summary>
    public DirectLinkState GetLinkState(string peerName) => _messaging.GetState(peerName);

    /// <summary>
    /// Whether messages with <paramref name="peerName"/> cannot be proven to be that peer's: its open link is plain v1
    /// or a classic client's, or, with none open, the directory lists it without a key. Verified peers need no badge.
    /// </summary>
    public bool IsUnverified(string peerName) => _messaging.IsUnverified(peerName);

    /// <summary>
    /// Calls <paramref name="onChange"/> with every change until the returned handle is disposed: lines added or
    /// updated, conversations read or opened, presence, links, state, notices, mentions, and lines that ask for the
    /// person's attention (<see cref="AttentionRaised"/>). Calls come one at a time, in order, off the sockets' loops;
    /// a callback that throws is logged. Read the state after subscribing: a change may then repeat what was read.
    /// </summary>
    public IDisposable Subscribe(Action<AgentChange> onChange) => _feed.Subscribe(onChange);

    /// <summary>The latest joins and leaves worth a quiet line, condensed, oldest first (none stored per join).</summary>
    public IReadOnlyList<PresenceBurst> PresenceBursts => _bursts.Items;

    /// <summary>The latest lines that mentioned the person, newest first.</summary>
    public IReadOnlyList<Mention> Mentions => _mentions.Items;

    /// <summary>Takes one line off the mentions list.</summary>
    public void DismissMention(string conversationKey, string messageId)
    {
        if (_mentions.Dismiss(conversationKey, messageId))
        {
            Raise(new MentionsChanged());
        }
    }

    /// <summary>Empties the mentions list.</summary>
    public void DismissAllMentions()
    {
        if (_mentions.DismissAll())
        {
            Raise(new MentionsChanged());
        }
    }

    /// <summary>Binds the peer listener and registers; completes at the first welcome or when joining fails.</summary>
    public async Task<JoinResult> StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        lock (_gate)
        {
            if (_started)
            {
                throw new InvalidOperationException("The agent is started already; create a new one to join again.");
            }

            _started = true;
        }

        var name = TextRules.ValidateName(Options.Name);
        if (!name.IsValid)
        {
            return FailStart(ErrorCodes.InvalidName, name.Message!);
        }

        ValidateOptions();
        var (listener, code, error) = PeerListener.Bind(Options, _time, _loggerFactory.CreateLogger<PeerListener>());
        if (listener is null)
        {
            return FailStart(code!, error!);
        }

        Volatile.Write(ref _listener, listener);
        listener.Start(_messaging.Tls, _messaging.AcceptAsync, _messaging.AcceptSeedAsync);
        LogStarting(Name, listener.Port, TcpDialer.Describe(Options.RendezvousHost, Options.RendezvousPort));
        RaiseState();

        var result = await _rendezvous.StartAsync(listener.Port, cancellationToken).ConfigureAwait(false);
        if (!result.Success)
        {
            Volatile.Write(ref _listener, null);
            await listener.DisposeAsync().ConfigureAwait(false);
            RaiseState();
        }

        return result;
    }

    /// <summary>Broadcasts <paramref name="text"/>; it shows as sending, then delivered when the server relays it.</summary>
    public Task<SendResult> BroadcastAsync(string text, CancellationToken cancellationToken) =>
        NotJoined() is { } error ? Task.FromResult(new SendResult(SendOutcome.NotJoined, null, error)) : _broadcasts.SendAsync(text, cancellationToken);

    /// <summary>Sends a direct message, dialing the peer when no link is open.</summary>
    public Task<SendResult> SendDirectAsync(string peerName, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peerName);
        return NotJoined() is { } error
            ? Task.FromResult(new SendResult(SendOutcome.NotJoined, null, error))
            : _messaging.Delivery.SendAsync(peerName, text, cancellationToken);
    }

    /// <summary>Sends a failed own message again.</summary>
    public Task<SendResult> ResendAsync(string conversationKey, string messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationKey);
        if (NotJoined() is { } error)
        {
            return Task.FromResult(new SendResult(SendOutcome.NotJoined, messageId, error));
        }

        return conversationKey == Conversation.BroadcastKey
            ? _broadcasts.ResendAsync(messageId, cancellationToken)
            : _messaging.Delivery.ResendAsync(conversationKey, messageId, cancellationToken);
    }

    /// <summary>Opens a direct link to <paramref name="host"/>:<paramref name="port"/> (the seed's <c>conn:</c>).</summary>
    public Task<LinkResult> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        if (NotJoined() is { } error)
        {
            return Task.FromResult(new LinkResult(LinkOutcome.NotJoined, null, error));
        }

        if (string.IsNullOrWhiteSpace(host) || !TextRules.ValidateHost(host).IsValid)
        {
            return Task.FromResult(new LinkResult(LinkOutcome.Invalid, null, $"'{host}' is not a host name or IP address."));
        }

        if (!TextRules.IsValidPort(port))
        {
            return Task.FromResult(new LinkResult(LinkOutcome.Invalid, null, $"{port} is not a port (1–65535)."));
        }

        return _messaging.ConnectAsync(host, port, cancellationToken);
    }

    /// <summary>Opens a direct link to a listed peer.</summary>
    public Task<LinkResult> ConnectToPeerAsync(string peerName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peerName);
        return NotJoined() is { } error
            ? Task.FromResult(new LinkResult(LinkOutcome.NotJoined, peerName, error))
            : _messaging.ConnectToPeerAsync(peerName, cancellationToken);
    }

    /// <summary>Closes the direct link with <paramref name="peerName"/> (bye).</summary>
    public Task CloseLinkAsync(string peerName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peerName);
        return _messaging.CloseAsync(peerName).WaitAsync(cancellationToken);
    }

    /// <summary>Carries out one typed line: plain text broadcasts, the seed's commands, <c>/msg</c>.</summary>
    public Task<CommandResult> ExecuteAsync(string input, CancellationToken cancellationToken) => _commands.ExecuteAsync(input, cancellationToken);

    /// <summary>Says bye to the server and every link, then closes; <see cref="State"/> becomes closed.</summary>
    public Task LeaveAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _leaving ??= Task.Run(LeaveCoreAsync, CancellationToken.None);
            return _leaving.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await LeaveAsync(CancellationToken.None).ConfigureAwait(false);
        await _messaging.DisposeAsync().ConfigureAwait(false);
        await _rendezvous.DisposeAsync().ConfigureAwait(false);
        _broadcasts.Dispose();
        await _feed.DisposeAsync().ConfigureAwait(false);
        if (_ownsIdentity)
        {
            Identity.Dispose();
        }

        LogDisposed(Name);
    }

    private async Task LeaveCoreAsync()
    {
        LogLeaving(Name);
        // Links first, while the listener still holds its port: peers see a bye, not a reset.
        await _messaging.CloseAllAsync().ConfigureAwait(false);
        await _rendezvous.LeaveAsync(CancellationToken.None).ConfigureAwait(false);
        if (Volatile.Read(ref _listener) is { } listener)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        _broadcasts.FailAll("You left before the server relayed it.");
        _messaging.Delivery.FailQueued();
        RaiseState();
    }

    private string? NotJoined()
    {
        lock (_gate)
        {
            if (!_started)
            {
                return "Not joined yet.";
            }
        }

        return State == RendezvousState.Closed && _leaving is not null ? "You have left the network." : null;
    }

    private JoinResult FailStart(string code, string message)
    {
        Volatile.Write(ref _startError, message);
        LogStartFailed(Name, TextRules.ForLog(code), TextRules.ForLog(message));
        RaiseState();
        return new JoinResult(false, code, message);
    }

    private void ValidateOptions()
    {
        var result = new PeerAgentOptionsValidator().Validate(null, Options);
        var problems = result.Failed ? [.. result.Failures] : new List<string>();
        if (Options.PeerPortMin > Options.PeerPortMax)
        {
            problems.Add($"PeerPortMin ({Options.PeerPortMin}) is above PeerPortMax ({Options.PeerPortMax}).");
        }

        if (Options.ReconnectMinDelay > Options.ReconnectMaxDelay)
        {
            problems.Add("ReconnectMinDelay is above ReconnectMaxDelay.");
        }

        if (!TextRules.ValidateHost(Options.AdvertisedHost).IsValid)
        {
            problems.Add($"AdvertisedHost '{Options.AdvertisedHost}' is not a host name or IP address.");
        }

        if (problems.Count > 0)
        {
            throw new OptionsValidationException(nameof(PeerAgentOptions), typeof(PeerAgentOptions), problems);
        }
    }

    private void Raise(AgentChange change) => _feed.Raise(change);

    private void RaiseState() => Raise(new AgentStateChanged(State, StateDetail));

    private void RaiseNotice(AgentNotice notice) => Raise(new NoticeRaised(notice));

    // What a conversation raises goes out as it is; a line that mentions the person also joins the mentions list.
    private void OnConversationChange(AgentChange change)
    {
        Raise(change);
        if (change is ConversationForgotten forgotten)
        {
            // Bounds the offline queue with the conversations: a peer nobody talks with any more is not waited for.
            _messaging.Delivery.ConversationForgotten(forgotten.Conversation.Key);
        }

        if (change is AttentionRaised { Line: { MentionsYou: true } line } attention)
        {
            _mentions.Add(new Mention(attention.Conversation.Key, line.Id, line.From, line.Text, line.At));
            Raise(new MentionsChanged());
        }
    }
}
