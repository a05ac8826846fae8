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
/// other node was last heard of, so that a node silent for the node timeout is declared dead (its entries expire by the
/// bucket's max age meanwhile). Owns the node liveness table under its lock.
/// </summary>
internal sealed partial class NatsPresence : IAsyncDisposable
{
    private readonly NatsCluster _cluster;
    private readonly IClusterEvents _events;
    private readonly ILogger<NatsPresence> _logger;
    private readonly Channel<(string Key, byte[] Value, Task After)> _writes;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _lastHeard = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private Task _writer = Task.CompletedTask;
    private Task _watcher = Task.CompletedTask;
    private Task _beats = Task.CompletedTask;
    private int _disposed;

    public NatsPresence(NatsCluster cluster, IClusterEvents events, ILogger<NatsPresence> logger)
    {
        _cluster = cluster;
        _events = events;
        _logger = logger;
        _writes = Channel.CreateBounded<(string, byte[], Task)>(new BoundedChannelOptions(cluster.Options.PresenceQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.DropWrite,
        });
    }

    /// <summary>Starts writing, watching and beating; returns once the bucket's current entries were read.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _writer = Task.Run(WriteLoopAsync, CancellationToken.None);
        _watcher = Task.Run(WatchLoopAsync, CancellationToken.None);
        _beats = Task.Run(BeatLoopAsync, CancellationToken.None);
        Beat([]);
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
    public void Online(PeerInfo peer) => Write(ClusterKeys.Member(peer.Name), new PresenceEntry(_cluster.Incarnation, peer, peer.Name));

    /// <summary>
    /// This node's member <paramref name="name"/> left for <paramref name="reason"/>; written once <paramref name="released"/>
    /// (its name's release) is done, so whoever sees the <c>left</c> of a <c>bye</c> finds the name free.
    /// </summary>
    public void Left(string name, string reason, Task released) =>
        Write(ClusterKeys.Member(name), new PresenceEntry(_cluster.Incarnation, Name: name, Left: reason), released);

    /// <summary>Renews this node's heartbeat and the entries of its members.</summary>
    public void Beat(IEnumerable<PeerInfo> members)
    {
        if (!_cluster.IsConnected)
        {
            // Renewals queued while NATS is away would only pile up; the next beat after it is back renews everything.
            return;
        }

        Write(ClusterKeys.Node(_cluster.Incarnation), new PresenceEntry(_cluster.Incarnation));
        foreach (var peer in members)
        {
            Online(peer);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Entries already queued (the left of every member at shutdown) are still written, for a while at most.
        _writes.Writer.TryComplete();
        await Task.WhenAny(_writer, Task.Delay(_cluster.Options.StopTimeout, _cluster.Time)).ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _writer.ConfigureAwait(false);
        await Task.WhenAll(_watcher, _beats).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private void Write(string key, PresenceEntry entry, Task? after = null)
    {
        if (!_writes.Writer.TryWrite((key, JsonSerializer.SerializeToUtf8Bytes(entry, ClusterJson.Default.PresenceEntry), after ?? Task.CompletedTask)))
        {
            LogWritesDropped(key);
        }
    }

    private async Task WriteLoopAsync()
    {
        await foreach (var (key, value, after) in _writes.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await after.WaitAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping, and NATS does not answer: what is left unwritten expires with the bucket's max age.
                LogGaveUpWriting(_writes.Reader.Count + 1);
                return;
            }

            using var deadline = new CancellationTokenSource(_cluster.Options.OperationTimeout, _cluster.Time);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, deadline.Token);
            try
            {
                await _cluster.Presence.PutAsync(key, value, cancellationToken: timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NatsException or OperationCanceledException)
            {
                // The next heartbeat writes the member entries again.
                LogWriteFailed(ex, key);
            }
        }
    }

    private async Task WatchLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
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
                await foreach (var entry in _cluster.Presence.WatchAsync<byte[]>(opts: options, cancellationToken: token).ConfigureAwait(false))
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
        }
    }

    private async ValueTask OnEntryAsync(NatsKVEntry<byte[]> entry, CancellationToken cancellationToken)
    {
        if (entry.Operation != NatsKVOperation.Put || entry.Value is not { Length: > 0 } value)
        {
            return;
        }

        PresenceEntry? presence;
        try
        {
            presence = JsonSerializer.Deserialize(value, ClusterJson.Default.PresenceEntry);
        }
        catch (JsonException)
        {
            presence = null;
        }

        if (presence is null || presence.Node == _cluster.Incarnation)
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
        }

        return dead;
    }

    [LoggerMessage(1, LogLevel.Warning, "Presence queue full: dropped the entry {Key} (the next heartbeat renews it)")]
    private partial void LogWritesDropped(string key);

    [LoggerMessage(2, LogLevel.Warning, "Could not write presence entry {Key}")]
    private partial void LogWriteFailed(Exception exception, string key);

    [LoggerMessage(3, LogLevel.Warning, "Presence watch failed; watching again")]
    private partial void LogWatchFailed(Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "Stopping: {Count} presence entries left unwritten (NATS does not answer)")]
    private partial void LogGaveUpWriting(int count);

    [LoggerMessage(4, LogLevel.Warning, "Node {Node} not heard of within the node timeout: its members are gone")]
    private partial void LogNodeDied(string node);
}
