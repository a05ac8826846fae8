using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Validation;
using WebPeerBridge.Rendezvous.Cluster;
using WebPeerBridge.Rendezvous.History;
using WebPeerBridge.Rendezvous.Presence;

namespace WebPeerBridge.Rendezvous.Fanout;

/// <summary>
/// The one place that changes who is online and what was said. Every register, say and leave goes through one loop,
/// so each client sees joins, leaves and broadcasts in one order, <c>seq</c> in increasing order, and a welcome that
/// fits exactly with what follows it. A broadcast is serialized once; its bytes are shared by every receiver's queue.
/// Accepted means stored: the says waiting at one moment are stored in one transaction (group commit), and only then
/// go out as <c>said</c>; before any other command is carried out, so a welcome's history is exactly what was stored.
/// When the log cannot write, each of those says gets <c>unavailable</c> with its id, and nothing is echoed.
/// What one turn (the commands waiting at one moment) sends is coalesced: the names' holds stored in one transaction,
/// then the welcomes queued, then the joined, left and said lines sent to each client as one write
/// (<see cref="TurnBatch"/>), in the loop's order.
/// </summary>
internal sealed partial class RendezvousHub : IAsyncDisposable
{
    private readonly Channel<HubCommand> _inbox = Channel.CreateBounded<HubCommand>(new BoundedChannelOptions(8192)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    // Keyed by the name's confusable skeleton (NameSkeletons.Key): names a reader cannot tell apart are one name.
    private readonly Dictionary<string, Member> _members = new(StringComparer.Ordinal);
    private readonly List<Member> _memberList = [];
    private readonly Dictionary<IHubClient, Member> _byClient = new(ReferenceEqualityComparer.Instance);
    private readonly List<IHubClient> _slow = [];
    private readonly List<(IHubClient Client, NewBroadcast Broadcast)> _says = [];
    private readonly List<(IHubClient Client, PeerInfo Peer, WelcomeLine Welcome)> _welcomes = [];
    private readonly TurnBatch _turn = new();
    private readonly PeerListLine _peerList;

    private readonly SeedNameSearch _seedNames = new();
    private readonly IPresenceStore _presence;
    private readonly NameHolds _holds;
    private readonly IBroadcastLog _log;
    private readonly RendezvousOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RendezvousHub> _logger;
    private Task? _loop;

    public RendezvousHub(IBroadcastLog log, IPresenceStore presence, RendezvousOptions options, TimeProvider time, ILogger<RendezvousHub> logger,
        NatsCluster? cluster = null)
    {
        _log = log;
        _presence = presence;
        _cluster = cluster;
        // Clustered, names are held in the names bucket; this one stays empty.
        _holds = new NameHolds(cluster is null ? options.HistoryPath : ":memory:", options.NameHoldTime, time, logger);
        _peerList = new PeerListLine(options.WelcomeMaxPeers);
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Number of registered clients (read from any thread; exact only on the hub's loop).</summary>
    public int OnlineCount => Volatile.Read(ref _onlineCount);

    private int _onlineCount;

    /// <summary>Loads the names held for their owners (beside the history), then starts the loop.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_loop is null)
        {
            await _holds.InitializeAsync(cancellationToken).ConfigureAwait(false);
            _loop = Task.Run(RunAsync, CancellationToken.None);
            await StartClusterAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask RegisterAsync(IHubClient client, Hello hello, string observedHost, CancellationToken cancellationToken) =>
        _inbox.Writer.WriteAsync(new HubCommand(HubCommandKind.Register, client, hello, null, null, observedHost), cancellationToken);

    public ValueTask SayAsync(IHubClient client, string? id, string text, CancellationToken cancellationToken) =>
        _inbox.Writer.WriteAsync(new HubCommand(HubCommandKind.Say, client, null, text, id, null), cancellationToken);

    /// <summary>Announces <paramref name="client"/> as left, if it is still the registered holder of its name.</summary>
    public ValueTask LeaveAsync(IHubClient client, string reason, CancellationToken cancellationToken) =>
        _inbox.Writer.WriteAsync(new HubCommand(HubCommandKind.Leave, client, null, null, reason, null), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await StopStreamFanoutAsync().ConfigureAwait(false);
        _inbox.Writer.TryComplete();
        if (_loop is not null)
        {
            // Commands already queued are still carried out: no accepted broadcast is lost at shutdown.
            await _loop.ConfigureAwait(false);
        }

        await DisposeClusterAsync().ConfigureAwait(false);

        await _holds.DisposeAsync().ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var reader = _inbox.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var command))
            {
                try
                {
                    if (command.Kind == HubCommandKind.Say)
                    {
                        QueueSay(command.Client, command.Reason, command.Text!);
                        if (_says.Count >= _options.MaxBroadcastBatch)
                        {
                            await StoreSaysAsync().ConfigureAwait(false);
                        }

                        continue;
                    }

                    if (command.Kind >= HubCommandKind.StreamSaid)
                    {
                        await OnClusterCommandAsync(command).ConfigureAwait(false);
                        if (_welcomes.Count + _turn.Count >= _options.MaxPresenceBatch)
                        {
                            await EndTurnAsync().ConfigureAwait(false);
                        }

                        continue;
                    }

                    // Whatever comes next sees the says before it stored and sent.
                    await StoreSaysAsync().ConfigureAwait(false);
                    switch (command.Kind)
                    {
                        case HubCommandKind.Register:
                            if (IsClustered)
                            {
                                await RegisterInClusterAsync(command.Client, (Hello)command.Frame!, command.Host!).ConfigureAwait(false);
                                break;
                            }

                            await RegisterCoreAsync(command.Client, (Hello)command.Frame!, command.Host!).ConfigureAwait(false);
                            break;
                        case HubCommandKind.Leave:
                            LeaveCore(command.Client, command.Reason!);
                            break;
                    }

                    if (_welcomes.Count + _turn.Count >= _options.MaxPresenceBatch)
                    {
                        await EndTurnAsync().ConfigureAwait(false);
                    }
                }
                catch (Exception ex)
                {
                    // One bad command must not stop the network.
                    LogCommandFailed(ex, command.Kind, command.Client.ConnectionId);
                }
            }

            // Nothing else waiting: this is the moment to commit.
            await StoreSaysAsync().ConfigureAwait(false);
            await EndTurnAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stores the names' holds changed since the last turn, then queues the welcomes waiting for that, then sends the
    /// turn's joins and leaves. Called before the says waiting are stored, and when the inbox is empty.
    /// </summary>
    private async ValueTask EndTurnAsync()
    {
        try
        {
            // Stored before a welcome carries its token: a crash right after it still keeps the name for it.
            await _holds.SaveAsync(CancellationToken.None).ConfigureAwait(false);
            foreach (var (client, peer, welcome) in _welcomes)
            {
                client.Accept(peer, welcome);
            }
        }
        finally
        {
            _welcomes.Clear();
        }

        FlushTurn();
    }

    private async ValueTask RegisterCoreAsync(IHubClient client, Hello hello, string observedHost)
    {
        var isSeed = client.Protocol == PeerProtocols.Seed;
        var name = isSeed ? await _seedNames.FindAsync(hello.Name, c => ValueTask.FromResult(!IsTaken(c))).ConfigureAwait(false) : hello.Name;
        var resumed = false;
        var moved = false;
        var since = _time.GetUtcNow();

        if (_members.TryGetValue(NameSkeletons.Key(name), out var holder))
        {
            if (isSeed || hello.Resume is null || !TokenMatches(holder.Token, hello.Resume))
            {
                RefuseTaken(client, holder.Peer.Name, name);
                return;
            }

            // The same user reconnecting: take the name back from its stale connection, silently.
            RemoveMember(holder);
            holder.Client.Replace();
            resumed = true;
            since = holder.Peer.Since;
        }
        else if (!isSeed && _holds.TryGetHold(name, out var heldFor))
        {
            if (hello.Resume is null || !TokenMatches(heldFor, hello.Resume))
            {
                RefuseHeld(client, name);
                return;
            }

            // Its owner is back after a drop or a server restart; it was announced as left, so it joins again.
        }

        if (!resumed && !isSeed && !NameSkeletons.IsHighlyRestrictive(name))
        {
            // Not a lookalike of a name online (that was name_taken above), but one that could become one of a name to come.
            RefuseMixedScripts(client, name);
            return;
        }

        var peer = new PeerInfo(name, hello.Host ?? observedHost, hello.PeerPort ?? 0, since, client.Protocol, hello.Key);
        if (resumed)
        {
            moved = peer.Host != holder!.Peer.Host || peer.Port != holder.Peer.Port || peer.Key != holder.Peer.Key;
        }

        var history = await ReadHistoryAsync(hello.Since, isSeed).ConfigureAwait(false);
        var token = NewToken();
        var skipped = history.Skipped > 0 ? history.Skipped : (long?)null;

        // At most WelcomeMaxPeers listed: 3,000 seed clients called x made each welcome list all the others (943 MB).
        // A v1 welcome splices the peers' bytes, serialized once each (in their joined line), into its own line: the
        // write loop copies them straight into the socket buffer, and no welcome serializes a thousand peers again.
        var welcome = isSeed
            ? WelcomeLine.Unrendered(new Welcome(peer, token, [.. _presence.Online.Take(_options.WelcomeMaxPeers)], history.Entries, skipped))
            : WelcomeLine.Spliced(new Welcome(peer, token, [], history.Entries, skipped), _peerList.Current);
        var joined = Outbound.Of(new Joined(peer));
        var member = new Member(client, peer, token, PeerListLine.PeerOf(joined.Line));
        AddMember(member);
        if (!isSeed)
        {
            _holds.Online(peer.Name, token);
        }

        // Queued at the end of the turn, once the holds are stored; nothing is broadcast before that.
        _welcomes.Add((client, peer, welcome));
        LogRegistered(client.ConnectionId, peer.Name, peer.Host, peer.Port, client.Protocol, resumed);

        if (!resumed || moved)
        {
            _turn.Add(joined);
        }

        _turn.StartsHere(client);
    }

    private void QueueSay(IHubClient client, string? id, string text)
    {
        if (IsCurrent(client, out var member))
        {
            _says.Add((client, new NewBroadcast(id, member.Peer.Name, text, _time.GetUtcNow())));
        }
    }

    /// <summary>Stores the queued says in one transaction, then sends each as <c>said</c>; or refuses each as <c>unavailable</c>.</summary>
    private async ValueTask StoreSaysAsync()
    {
        if (_says.Count == 0)
        {
            return;
        }

        if (IsClustered)
        {
            await PublishSaysAsync().ConfigureAwait(false);
            return;
        }

        var batch = _says.ToArray();
        _says.Clear();

        // The joins before these says are stored before the says' batch (their welcomes' tokens), and sent before them.
        await EndTurnAsync().ConfigureAwait(false);
        IReadOnlyList<Said> stored;
        try
        {
            stored = await _log.AppendAsync([.. batch.Select(s => s.Broadcast)], CancellationToken.None).ConfigureAwait(false);
        }
        catch (BroadcastLogUnavailableException ex)
        {
            LogUnavailable(batch.Length, ex.Message);
            foreach (var (client, broadcast) in batch)
            {
                RefuseSay(client, broadcast.Id);
            }

            return;
        }

        for (var i = 0; i < stored.Count; i++)
        {
            _turn.AddOwn(Outbound.Of(stored[i]), batch[i].Client);
        }

        FlushTurn();
    }

    private void LeaveCore(IHubClient client, string reason)
    {
        if (!IsCurrent(client, out var member))
        {
            return;
        }

        RemoveMember(member);
        Release(member, reason);
        LogLeft(client.ConnectionId, member.Peer.Name, reason);
        _turn.Add(Outbound.Of(new Left(member.Peer.Name, reason)));
    }

    /// <summary>Sends the turn's frames, each client its part in one queued write; again for the drops it finds.</summary>
    private void FlushTurn()
    {
        while (_turn.Count > 0)
        {
            _turn.Seal();
            foreach (var member in _memberList)
            {
                if (!_turn.TryEnqueue(member.Client))
                {
                    _slow.Add(member.Client);
                }
            }

            _turn.Clear();
            DropSlow();
        }
    }

    /// <summary>Drops every client whose queue overflowed; their <c>left</c> lines join the turn's frames.</summary>
    private void DropSlow()
    {
        if (_slow.Count == 0)
        {
            return;
        }

        var slow = _slow.ToArray();
        _slow.Clear();
        foreach (var client in slow)
        {
            if (IsCurrent(client, out var member))
            {
                RemoveMember(member);
                Release(member, LeftReasons.Error);
                LogSlowConsumer(client.ConnectionId, member.Peer.Name);
                client.Abort(ErrorCodes.SlowConsumer, "Too many messages were waiting for you; reconnect to catch up.");
                _turn.Add(Outbound.Of(new Left(member.Peer.Name, LeftReasons.Error)));
            }
        }
    }

    private ValueTask<HistorySlice> ReadHistoryAsync(long? since, bool isSeed)
    {
        var last = _log.LastSeq;
        if (isSeed)
        {
            return _log.ReadAfterAsync(0, _options.SeedHistoryCount, _options.WelcomeHistoryMaxBytes, CancellationToken.None);
        }

        // A since ahead of the log (a server that lost its history) counts as none.
        return since is { } s && s <= last
            ? _log.ReadAfterAsync(s, int.MaxValue, _options.WelcomeHistoryMaxBytes, CancellationToken.None)
            : _log.ReadAfterAsync(0, _options.WelcomeHistoryCount, _options.WelcomeHistoryMaxBytes, CancellationToken.None);
    }

    /// <summary>A bye frees the name at once; any other end keeps it for its token (a seed client has none).</summary>
    private void Release(Member member, string reason)
    {
        if (IsClustered)
        {
            ReleaseInCluster(member, reason);
            return;
        }

        if (reason == LeftReasons.Bye || member.Client.Protocol == PeerProtocols.Seed)
        {
            _holds.Forget(member.Peer.Name);
        }
        else
        {
            _holds.Hold(member.Peer.Name, member.Token);
        }
    }

    private bool IsTaken(string name) => _members.ContainsKey(NameSkeletons.Key(name)) || _holds.TryGetHold(name, out _);

    // By the connection, not its name: every say asks, and a name's skeleton is not worth computing per broadcast.
    private bool IsCurrent(IHubClient client, out Member member) => _byClient.TryGetValue(client, out member!);

    private void AddMember(Member member)
    {
        _members[member.Key] = member;
        _byClient[member.Client] = member;
        _memberList.Add(member);
        _presence.Upsert(member.Peer);
        _peerList.Upsert(member.Peer.Name, member.PeerJson);
        Volatile.Write(ref _onlineCount, _members.Count);
    }

    private void RemoveMember(Member member)
    {
        _members.Remove(member.Key);
        _byClient.Remove(member.Client);
        _memberList.Remove(member);
        _presence.Remove(member.Peer.Name);
        _peerList.Remove(member.Peer.Name);
        Volatile.Write(ref _onlineCount, _members.Count);
    }

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TokenMatches(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));

    /// <summary>A registered client; <paramref name="PeerJson"/> is its PEER object serialized (a slice of its joined line), for the welcomes to come.</summary>
    private sealed record Member(IHubClient Client, PeerInfo Peer, string Token, ReadOnlyMemory<byte> PeerJson)
    {
        /// <summary>The name's confusable skeleton, the key of <see cref="_members"/>.</summary>
        public string Key { get; } = NameSkeletons.Key(Peer.Name);
    }

    [LoggerMessage(1, LogLevel.Information, "{ConnectionId} registered as {Name} at {Host}:{Port} ({Protocol}, resumed: {Resumed})")]
    private partial void LogRegistered(string connectionId, string name, string host, int port, string protocol, bool resumed);

    [LoggerMessage(2, LogLevel.Information, "{ConnectionId} refused: name {Name} is taken")]
    private partial void LogNameTaken(string connectionId, string name);

    [LoggerMessage(3, LogLevel.Information, "{ConnectionId} ({Name}) left: {Reason}")]
    private partial void LogLeft(string connectionId, string name, string reason);

    [LoggerMessage(4, LogLevel.Warning, "{ConnectionId} ({Name}) dropped: its send queue is full")]
    private partial void LogSlowConsumer(string connectionId, string name);

    [LoggerMessage(8, LogLevel.Information, "{ConnectionId} refused: name {Name} mixes scripts")]
    private partial void LogMixedScripts(string connectionId, string name);

    [LoggerMessage(7, LogLevel.Information, "{ConnectionId} refused: name {Name} is held for its owner")]
    private partial void LogNameHeld(string connectionId, string name);

    [LoggerMessage(9, LogLevel.Warning, "{ConnectionId} refused: name {Name} cannot be checked now")]
    private partial void LogNameUnavailable(string connectionId, string name);

    [LoggerMessage(6, LogLevel.Error, "Refused {Count} broadcasts as unavailable: {Reason}")]
    private partial void LogUnavailable(int count, string reason);

    [LoggerMessage(5, LogLevel.Error, "Hub command {Kind} from {ConnectionId} failed")]
    private partial void LogCommandFailed(Exception exception, HubCommandKind kind, string connectionId);
}
