using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;
using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Rendezvous.Cluster;

/// <summary>
/// Presence across nodes in the presence bucket. Writes this node's entries (members online and left, its heartbeat) in
/// order from one background loop; watches the bucket and tells the hub about the other nodes' members; and keeps when each
/// other node, and each of their members, was last heard of: a node silent for the node timeout is declared dead (its
/// entries expire by the bucket's max age meanwhile, which watchers are not told), and so is a member of a live node whose
/// entry was not renewed for as long (its left never reached NATS). A left that could not be written is kept and written
/// again with every heartbeat until it is. Owns the liveness tables under its lock.
/// </summary>
internal sealed partial class NatsPresence : IAsyncDisposable
{
    // A heartbeat renews this many member entries at once (one round trip each, all within one operation timeout).
    private const int RenewalsAtOnce = 256;

    // Nothing to wait for: no release, or none that failed.
    private static readonly Task<bool> NothingToWaitFor = Task.FromResult(true);

    private readonly NatsCluster _cluster;
    private readonly IClusterEvents _events;
    private readonly ILogger<NatsPresence> _logger;

    // Full is full: TryWrite says so (DropWrite would say true and drop it unseen).
    private readonly Channel<Write> _writes;

    // Lefts of this node's members that NATS did not take (or the full queue did not), by key: written again with every
    // beat until a put succeeds; dropped once the member is online again (here, or at another node).
    private readonly ConcurrentDictionary<string, byte[]> _failedLefts = new(StringComparer.Ordinal);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _lastHeard = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Seen> _members = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private Task _writer = Task.CompletedTask;
    private Task _watcher = Task.CompletedTask;
    private Task _beats = Task.CompletedTask;
    private CancellationTokenSource? _watch;
    private int _disposed;

    public NatsPresence(NatsCluster cluster, IClusterEvents events, ILogger<NatsPresence> logger)
    {
        _cluster = cluster;
        _events = events;
        _logger = logger;
        _writes = Channel.CreateBounded<Write>(new BoundedChannelOptions(cluster.Options.PresenceQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Starts writing, watching and beating; returns once the bucket's current entries were read.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _cluster.Reconnected += Rewatch;
        _writer = Task.Run(WriteLoopAsync, CancellationToken.None);
        _watcher = Task.Run(WatchLoopAsync, CancellationToken.None);
        _beats = Task.Run(BeatLoopAsync, CancellationToken.None);
        Beat([], NothingToWaitFor);
        await _caughtUp.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether <paramref name="node"/> (another node) was heard of within the node timeout.</summary>
    public bool IsAlive(string node)
    {
        lock (_gate)
        {
            return _lastHeard.TryGetValue(node, out var at) && _cluster.Time.GetUtcNow() - at <= _cluster.Options.NodeTimeout;
        }
    }

    /// <summary><paramref name="peer"/> is online here.</summary>
    public void Online(PeerInfo peer)
    {
        var key = ClusterKeys.Member(peer.Name);
        _failedLefts.TryRemove(key, out _);
        Enqueue(new Write(key, Serialize(new PresenceEntry(_cluster.Incarnation, peer, peer.Name)), NothingToWaitFor, IsLeft: false, Renew: null));
    }

    /// <summary>
    /// This node's member <paramref name="name"/> left for <paramref name="reason"/>; written once <paramref name="released"/>
    /// (the releases of names, its own included) says that every one reached NATS, so whoever sees the <c>left</c> of a
    /// <c>bye</c> finds the name free; else, and until NATS takes it, written again with the heartbeats.
    /// </summary>
    public void Left(string name, string reason, Task<bool> released)
    {
        var key = ClusterKeys.Member(name);
        var value = Serialize(new PresenceEntry(_cluster.Incarnation, Name: name, Left: reason));
        if (!Enqueue(new Write(key, value, released, IsLeft: true, Renew: null)))
        {
            _failedLefts[key] = value;
        }
    }

    /// <summary>
    /// Renews this node's heartbeat and the entries of its <paramref name="members"/> (one write in the queue, however many),
    /// then, once <paramref name="released"/> says that every release of a name reached NATS, writes again the lefts not
    /// written yet (when one did not, they wait for the next beat).
    /// </summary>
    public void Beat(IReadOnlyList<PeerInfo> members, Task<bool> released)
    {
        if (!_cluster.IsConnected)
        {
            // Renewals queued while NATS is away would only pile up; the next beat after it is back renews everything.
            return;
        }

        Enqueue(new Write(ClusterKeys.Node(_cluster.Incarnation), Serialize(new PresenceEntry(_cluster.Incarnation)), released, IsLeft: false, members));
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _cluster.Reconnected -= Rewatch;

        // Entries already queued (the left of every member at shutdown) are still written, for a while at most.
        _writes.Writer.TryComplete();
        await Task.WhenAny(_writer, Task.Delay(_cluster.Options.StopTimeout, _cluster.Time)).ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _writer.ConfigureAwait(false);
        await Task.WhenAll(_watcher, _beats).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private static byte[] Serialize(PresenceEntry entry) => JsonSerializer.SerializeToUtf8Bytes(entry, ClusterJson.Default.PresenceEntry);

    private bool Enqueue(Write write)
    {
        if (_writes.Writer.TryWrite(write))
        {
            return true;
        }

        // A member's entry is renewed by the next beat; a left is kept and written with it.
        LogWritesDropped(write.Key);
        return false;
    }

    private async Task WriteLoopAsync()
    {
        await foreach (var write in _writes.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                if (write.Renew is { } members)
                {
                    if (await RenewAsync(write, members).ConfigureAwait(false))
                    {
                        // A release that did not reach NATS again keeps the lefts for the next beat: a left is heard only
                        // once its name is free.
                        if (await ReleasedAsync(write.Released).ConfigureAwait(false))
                        {
                            await WriteFailedLeftsAsync().ConfigureAwait(false);
                        }
                    }

                    continue;
                }

                if (!await ReleasedAsync(write.Released).ConfigureAwait(false) && write.IsLeft)
                {
                    // A release did not reach NATS: the left waits with it for the next beat, so that it is heard only
                    // once its name is free.
                    _failedLefts[write.Key] = write.Value;
                    continue;
                }

                if (await PutAsync(write.Key, write.Value).ConfigureAwait(false))
                {
                    // In the bucket now, later than any left of the same name that failed: that one is moot.
                    _failedLefts.TryRemove(write.Key, out _);
                }
                else if (write.IsLeft)
                {
                    _failedLefts[write.Key] = write.Value;
                }
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                // Stopping, and NATS does not answer: what is left unwritten expires with the bucket's max age.
                LogGaveUpWriting(_writes.Reader.Count + 1);
                return;
            }
        }
    }

    /// <summary>
    /// Waits for <paramref name="released"/> (the releases of names); false only when it says that one did not reach NATS
    /// (a task that faulted, which the claims' never does, holds nothing back). Throws only when stopping.
    /// </summary>
    private async Task<bool> ReleasedAsync(Task<bool> released)
    {
        await ((Task)released).WaitAsync(_stopping.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Token.ThrowIfCancellationRequested();
        return released is not { IsCompletedSuccessfully: true, Result: false };
    }

    /// <summary>Puts one entry within the operation timeout; false (logged) when NATS did not take it.</summary>
    private async Task<bool> PutAsync(string key, byte[] value)
    {
        using var deadline = new CancellationTokenSource(_cluster.Options.OperationTimeout, _cluster.Time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, deadline.Token);
        try
        {
            await _cluster.Presence.PutAsync(key, value, cancellationToken: timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is NatsException || ex is OperationCanceledException && deadline.IsCancellationRequested)
        {
            LogWriteFailed(ex, key);
            return false;
        }
    }

    /// <summary>
    /// The heartbeat, then the members' entries, many at once, all within one operation timeout; false when the heartbeat
    /// itself did not get through (NATS does not answer: nothing else would; the next beat tries again).
    /// </summary>
    private async Task<bool> RenewAsync(Write beat, IReadOnlyList<PeerInfo> members)
    {
        if (!await PutAsync(beat.Key, beat.Value).ConfigureAwait(false))
        {
            return false;
        }

        using var deadline = new CancellationTokenSource(_cluster.Options.OperationTimeout, _cluster.Time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, deadline.Token);
        var failed = 0;
        foreach (var chunk in members.Chunk(RenewalsAtOnce))
        {
            var puts = chunk.Select(peer => _cluster.Presence
                .PutAsync(ClusterKeys.Member(peer.Name), Serialize(new PresenceEntry(_cluster.Incarnation, peer, peer.Name)), cancellationToken: timeout.Token)
                .AsTask()).ToArray();
            foreach (var put in puts)
            {
                try
                {
                    await put.ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is NatsException || ex is OperationCanceledException && deadline.IsCancellationRequested)
                {
                    failed++;
                }
            }
        }

        if (failed > 0)
        {
            LogRenewalsFailed(failed, members.Count);
        }

        return true;
    }

    /// <summary>The lefts NATS did not take, again; one whose name is online at another node by now is dropped.</summary>
    private async Task WriteFailedLeftsAsync()
    {
        foreach (var (key, value) in _failedLefts.ToArray())
        {
            if (await IsOnlineElsewhereAsync(key).ConfigureAwait(false))
            {
                _failedLefts.TryRemove(KeyValuePair.Create(key, value));
                continue;
            }

            if (await PutAsync(key, value).ConfigureAwait(false))
            {
                _failedLefts.TryRemove(KeyValuePair.Create(key, value));
                LogLeftWrittenLate(key);
            }
        }
    }

    private async Task<bool> IsOnlineElsewhereAsync(string key)
    {
        using var deadline = new CancellationTokenSource(_cluster.Options.OperationTimeout, _cluster.Time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, deadline.Token);
        try
        {
            var read = await _cluster.Presence.TryGetEntryAsync<byte[]>(key, cancellationToken: timeout.Token).ConfigureAwait(false);
            return read.Success && Deserialize(read.Value.Value) is { Peer: not null } entry && entry.Node != _cluster.Incarnation;
        }
        catch (Exception ex) when (ex is NatsException || ex is OperationCanceledException && deadline.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// NATS is back after a loss: watch the bucket afresh. A watch whose consumer died with a NATS restart stops its idle
    /// heartbeat check at the disconnect and never starts it again (NATS.Net 3.3): it would hear nothing for good, and every
    /// other node would soon look dead. A fresh watch reads every current entry again, then follows.
    /// </summary>
    private void Rewatch()
    {
        lock (_gate)
        {
            _watch?.Cancel();
        }
    }

    private async Task WatchLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            using var watch = CancellationTokenSource.CreateLinkedTokenSource(token);
            lock (_gate)
            {
                _watch = watch;
            }

            try
            {
                var options = new NatsKVWatchOpts
                {
                    OnNoData = _ =>
                    {
                        _caughtUp.TrySetResult();
                        return ValueTask.FromResult(true);
                    },
                };
                await foreach (var entry in _cluster.Presence.WatchAsync<byte[]>(opts: options, cancellationToken: watch.Token).ConfigureAwait(false))
                {
                    await OnEntryAsync(entry, token).ConfigureAwait(false);
                    if (entry.Delta == 0)
                    {
                        _caughtUp.TrySetResult();
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException) when (watch.IsCancellationRequested)
            {
                LogWatchingAgain();
            }
            catch (Exception ex)
            {
                LogWatchFailed(ex);
                try
                {
                    await Task.Delay(_cluster.Options.HeartbeatInterval, _cluster.Time, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            finally
            {
                lock (_gate)
                {
                    _watch = null;
                }
            }
        }
    }

    private static PresenceEntry? Deserialize(byte[]? value)
    {
        if (value is not { Length: > 0 })
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(value, ClusterJson.Default.PresenceEntry);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async ValueTask OnEntryAsync(NatsKVEntry<byte[]> entry, CancellationToken cancellationToken)
    {
        if (entry.Operation != NatsKVOperation.Put || Deserialize(entry.Value) is not { } presence || presence.Node == _cluster.Incarnation)
        {
            return;
        }

        // Heard of when it was written (an old entry read at start is no sign of life), never later than now.
        var now = _cluster.Time.GetUtcNow();
        var at = entry.Created < now ? entry.Created : now;
        lock (_gate)
        {
            if (!_lastHeard.TryGetValue(presence.Node, out var last) || last < at)
            {
                _lastHeard[presence.Node] = at;
            }

            if (presence.Peer is { } online)
            {
                _members[entry.Key] = new Seen(presence.Node, online.Name, at);
            }
            else if (presence.Left is not null && _members.TryGetValue(entry.Key, out var seen) && seen.Node == presence.Node)
            {
                _members.Remove(entry.Key);
            }
        }

        if (presence.Peer is { } peer)
        {
            await _events.RemoteOnlineAsync(peer, presence.Node, cancellationToken).ConfigureAwait(false);
        }
        else if (presence is { Name: { } name, Left: { } reason })
        {
            await _events.RemoteLeftAsync(name, reason, presence.Node, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task BeatLoopAsync()
    {
        var token = _stopping.Token;
        try
        {
            while (true)
            {
                await Task.Delay(_cluster.Options.HeartbeatInterval, _cluster.Time, token).ConfigureAwait(false);
                _events.Heartbeat();
                if (!_cluster.IsConnected)
                {
                    // Cut off from NATS, this node hears nobody: that says nothing about the others. Their clocks start
                    // again once it is back.
                    HeardAllNow();
                    continue;
                }

                foreach (var node in DeadNodes())
                {
                    LogNodeDied(node);
                    await _events.NodeDiedAsync(node, token).ConfigureAwait(false);
                }

                foreach (var (node, name) in UnrenewedMembers())
                {
                    // Its node is alive but stopped renewing it: its left was lost (or its node lost track of it).
                    LogMemberExpired(name, node);
                    await _events.RemoteLeftAsync(name, LeftReasons.Timeout, node, token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    private void HeardAllNow()
    {
        var now = _cluster.Time.GetUtcNow();
        lock (_gate)
        {
            foreach (var node in _lastHeard.Keys.ToArray())
            {
                _lastHeard[node] = now;
            }

            foreach (var (key, seen) in _members.ToArray())
            {
                _members[key] = seen with { At = now };
            }
        }
    }

    private List<string> DeadNodes()
    {
        var now = _cluster.Time.GetUtcNow();
        var dead = new List<string>();
        lock (_gate)
        {
            foreach (var (node, at) in _lastHeard)
            {
                if (now - at > _cluster.Options.NodeTimeout)
                {
                    dead.Add(node);
                }
            }

            foreach (var node in dead)
            {
                _lastHeard.Remove(node);
            }

            // The hub lets all of a dead node's members go at once.
            foreach (var (key, seen) in _members.ToArray())
            {
                if (dead.Contains(seen.Node))
                {
                    _members.Remove(key);
                }
            }
        }

        return dead;
    }

    private List<(string Node, string Name)> UnrenewedMembers()
    {
        var now = _cluster.Time.GetUtcNow();
        var expired = new List<(string, string)>();
        lock (_gate)
        {
            foreach (var (key, seen) in _members.ToArray())
            {
                if (now - seen.At > _cluster.Options.NodeTimeout)
                {
                    _members.Remove(key);
                    expired.Add((seen.Node, seen.Name));
                }
            }
        }

        return expired;
    }

    /// <summary>One entry for the write loop: a put of <see cref="Key"/> once <see cref="Released"/> says the releases of names reached NATS; with <see cref="Renew"/> a heartbeat.</summary>
    private readonly record struct Write(string Key, byte[] Value, Task<bool> Released, bool IsLeft, IReadOnlyList<PeerInfo>? Renew);

    /// <summary>A member of another node, and when its entry was last written.</summary>
    private readonly record struct Seen(string Node, string Name, DateTimeOffset At);

    [LoggerMessage(1, LogLevel.Warning, "Presence queue full: dropped the entry {Key} (the next heartbeat renews it; a left is written with it)")]
    private partial void LogWritesDropped(string key);

    [LoggerMessage(2, LogLevel.Warning, "Could not write presence entry {Key}")]
    private partial void LogWriteFailed(Exception exception, string key);

    [LoggerMessage(3, LogLevel.Warning, "Presence watch failed; watching again")]
    private partial void LogWatchFailed(Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "Stopping: {Count} presence entries left unwritten (NATS does not answer)")]
    private partial void LogGaveUpWriting(int count);

    [LoggerMessage(4, LogLevel.Warning, "Node {Node} not heard of within the node timeout: its members are gone")]
    private partial void LogNodeDied(string node);

    [LoggerMessage(6, LogLevel.Warning, "Could not renew {Failed} of {Count} members' presence entries; the next heartbeat tries again")]
    private partial void LogRenewalsFailed(int failed, int count);

    [LoggerMessage(7, LogLevel.Warning, "{Name} of node {Node} not renewed within the node timeout: gone")]
    private partial void LogMemberExpired(string name, string node);

    [LoggerMessage(9, LogLevel.Information, "NATS is back: watching the presence bucket afresh")]
    private partial void LogWatchingAgain();

    [LoggerMessage(8, LogLevel.Information, "Presence entry {Key} (a left) written at last")]
    private partial void LogLeftWrittenLate(string key);
}
