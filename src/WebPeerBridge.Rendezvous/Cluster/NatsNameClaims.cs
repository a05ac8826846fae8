using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace WebPeerBridge.Rendezvous.Cluster;

/// <summary>
/// Names with their resume tokens and holds, shared by every node (DESIGN.md, names cannot be stolen), keyed by the
/// name's confusable skeleton in the names bucket; called by the hub's loop only (the embedded hub keeps NameHolds). A
/// free name is taken with an atomic create; a resume, a hold's end or a dead node's name with an update checked against
/// the revision read, so of two nodes racing for one name exactly one wins (the other reads again and sees it taken).
/// Releases are written in the background, in order; a claim waits for them first (within its timeout), so a client that
/// says bye and comes straight back finds its name free. Every call the hub's loop awaits is bounded by
/// <see cref="NatsOptions.OperationTimeout"/>.
/// </summary>
internal sealed partial class NatsNameClaims : IAsyncDisposable
{
    private readonly NatsCluster _cluster;
    private readonly Func<string, bool> _isNodeAlive;
    private readonly ILogger<NatsNameClaims> _logger;
    // Cancels what still waits for NATS at stop, before the connection it uses is disposed.
    private readonly CancellationTokenSource _stopping = new();

    // Releases that did not reach NATS, by key: written again with every heartbeat until they do (without, the name stays
    // claimed by this node for good, and every other node refuses it as taken). Used by the release chain and the hub's loop.
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PendingRelease> _failed = new(StringComparer.Ordinal);
    private Task _releases = Task.CompletedTask;
    private Task _sweep = Task.CompletedTask;
    private int _disposed;

    /// <summary>Claims in <paramref name="cluster"/>'s names bucket; <paramref name="isNodeAlive"/> tells whether another node was heard of lately.</summary>
    public NatsNameClaims(NatsCluster cluster, Func<string, bool> isNodeAlive, ILogger<NatsNameClaims> logger)
    {
        _cluster = cluster;
        _isNodeAlive = isNodeAlive;
        _logger = logger;
    }

    private INatsKVStore Bucket => _cluster.Names;

    private TimeSpan HoldTime => _cluster.Rendezvous.NameHoldTime;

    /// <summary>
    /// Claims <paramref name="name"/> for this node under <paramref name="token"/>; <paramref name="resume"/> is the token
    /// a reconnecting owner presents (null for none).
    /// </summary>
    public async ValueTask<NameClaimOutcome> ClaimAsync(string name, string? resume, string token, CancellationToken cancellationToken)
    {
        var key = ClusterKeys.Name(name);
        var mine = Serialize(new NameClaim(name, token, _cluster.Incarnation, HeldUntil: null));
        // The hub's loop waits for this, the releases before it included: never longer than the operation timeout.
        using var deadline = new CancellationTokenSource(_cluster.Options.OperationTimeout, _cluster.Time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        cancellationToken = timeout.Token;
        try
        {
            await _releases.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
            for (var attempt = 0; attempt < _cluster.Options.MaxClaimAttempts; attempt++)
            {
                var read = await Bucket.TryGetEntryAsync<byte[]>(key, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (!read.Success || Deserialize(read.Value.Value) is not { } claim)
                {
                    if (!read.Success && read.Error is not (NatsKVKeyNotFoundException or NatsKVKeyDeletedException))
                    {
                        throw read.Error;
                    }

                    if ((await Bucket.TryCreateAsync(key, mine, cancellationToken: cancellationToken).ConfigureAwait(false)).Success)
                    {
                        return NameClaimOutcome.Claimed;
                    }

                    continue;
                }

                var revision = read.Value.Revision;
                var now = _cluster.Time.GetUtcNow();
                NameClaimOutcome outcome;
                if (resume is not null && TokenMatches(claim.Token, resume))
                {
                    outcome = NameClaimOutcome.Resumed;
                }
                else if (claim.HeldUntil is { } until)
                {
                    if (until > now)
                    {
                        return NameClaimOutcome.Held;
                    }

                    outcome = NameClaimOutcome.Claimed;
                }
                else if (claim.Node != _cluster.Incarnation && _isNodeAlive(claim.Node))
                {
                    return NameClaimOutcome.Taken;
                }
                else if (claim.Node != _cluster.Incarnation)
                {
                    // Online at a node that is gone (no node left to see it die, or not yet seen): held from now on, as a
                    // restarted embedded server holds the names that were online when it went away.
                    var held = Serialize(claim with { HeldUntil = now + HoldTime });
                    await Bucket.TryUpdateAsync(key, held, revision, cancellationToken: cancellationToken).ConfigureAwait(false);
                    return NameClaimOutcome.Held;
                }
                else if (TakeFailedRelease(key, claim.Token) is { HeldUntil: { } heldUntil } && heldUntil > now)
                {
                    // Online here by the bucket, yet the hub has no member of that name (the hub asks only then): its
                    // connection dropped without bye while NATS was away. Held, as the release would have written.
                    await Bucket.TryUpdateAsync(key, Serialize(claim with { HeldUntil = heldUntil }), revision, cancellationToken: cancellationToken)
                        .ConfigureAwait(false);
                    return NameClaimOutcome.Held;
                }
                else
                {
                    // Online here by the bucket, no member: a bye (or a hold over by now) whose release was not written. Free.
                    outcome = NameClaimOutcome.Claimed;
                }

                if ((await Bucket.TryUpdateAsync(key, mine, revision, cancellationToken: cancellationToken).ConfigureAwait(false)).Success)
                {
                    // Ours again (resumed or taken anew): a release of its former token still pending is no more.
                    TakeFailedRelease(key, claim.Token);
                    return outcome;
                }
            }

            // Contended this often: someone else keeps getting it.
            return NameClaimOutcome.Taken;
        }
        catch (Exception ex) when (ex is NatsException || ex is OperationCanceledException && deadline.IsCancellationRequested)
        {
            LogUnavailable(ex, name);
            return NameClaimOutcome.Unavailable;
        }
    }

    /// <summary>This node's member left: with <paramref name="hold"/> the name is held for its token, else freed at once.</summary>
    public void Release(string name, string token, bool hold) =>
        _releases = ReleaseAfterAsync(_releases, new PendingRelease(name, token, hold ? _cluster.Time.GetUtcNow() + HoldTime : null));

    /// <summary>Writes again, after the releases asked for, those that did not reach NATS (called with every heartbeat).</summary>
    public void RetryFailedReleases()
    {
        PendingRelease[] failed;
        lock (_gate)
        {
            if (_failed.Count == 0)
            {
                return;
            }

            failed = [.. _failed.Values];
            _failed.Clear();
        }

        foreach (var release in failed)
        {
            _releases = ReleaseAfterAsync(_releases, release);
        }
    }

    /// <summary>
    /// The names' owners were online at <paramref name="node"/>, which died: each is held for its token from now on. All at
    /// once, within one operation timeout (a name not held by then is held by the first claim that finds its node dead).
    /// </summary>
    public async ValueTask HoldAbandonedAsync(IReadOnlyList<string> names, string node, CancellationToken cancellationToken)
    {
        if (names.Count == 0)
        {
            return;
        }

        using var deadline = new CancellationTokenSource(_cluster.Options.OperationTimeout, _cluster.Time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var until = _cluster.Time.GetUtcNow() + HoldTime;
        await Task.WhenAll(names.Select(name => HoldAbandonedAsync(name, node, until, deadline, timeout.Token))).ConfigureAwait(false);
    }

    /// <summary>The node <paramref name="name"/> is claimed by now (online or held); null when it is free or the bucket does not answer.</summary>
    public async ValueTask<string?> OwnerAsync(string name, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_cluster.Options.OperationTimeout, _cluster.Time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            var read = await Bucket.TryGetEntryAsync<byte[]>(ClusterKeys.Name(name), cancellationToken: timeout.Token).ConfigureAwait(false);
            return read.Success ? Deserialize(read.Value.Value)?.Node : null;
        }
        catch (Exception ex) when (ex is NatsException || ex is OperationCanceledException && deadline.IsCancellationRequested)
        {
            LogUnavailable(ex, name);
            return null;
        }
    }

    /// <summary>Starts a sweep of the names bucket in the background (with every heartbeat), unless one is still running.</summary>
    public void Sweep()
    {
        if (_sweep.IsCompleted)
        {
            _sweep = SweepAsync(_stopping.Token);
        }
    }

    /// <summary>
    /// Removes from the names bucket the holds that are over and the markers left by releases (a bye deletes its name): without
    /// this they stay there for good. Each is removed with every earlier message of its key but none later (the stream purged
    /// up to its revision), so a claim written meanwhile stays. Returns how many were removed.
    /// </summary>
    internal async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_cluster.Options.HistoryReadTimeout, _cluster.Time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var now = _cluster.Time.GetUtcNow();
        var over = new List<(string Key, ulong Revision)>();
        try
        {
            var options = new NatsKVWatchOpts { OnNoData = _ => ValueTask.FromResult(true) };
            await foreach (var entry in Bucket.WatchAsync<byte[]>(opts: options, cancellationToken: timeout.Token).ConfigureAwait(false))
            {
                if (entry.Operation is NatsKVOperation.Del or NatsKVOperation.Purge
                    || entry.Operation == NatsKVOperation.Put && Deserialize(entry.Value) is { HeldUntil: { } until } && until <= now)
                {
                    over.Add((entry.Key, entry.Revision));
                }

                if (entry.Delta == 0)
                {
                    break;
                }
            }

            foreach (var (key, revision) in over)
            {
                await _cluster.JetStream.PurgeStreamAsync("KV_" + _cluster.Options.NamesBucket, new StreamPurgeRequest
                {
                    Filter = $"$KV.{_cluster.Options.NamesBucket}.{key}",
                    Seq = revision + 1,
                }, timeout.Token).ConfigureAwait(false);
            }

            if (over.Count > 0)
            {
                LogSwept(over.Count);
            }

            return over.Count;
        }
        catch (Exception ex) when (ex is NatsException || ex is OperationCanceledException && deadline.IsCancellationRequested)
        {
            LogSweepFailed(ex);
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
    }

    /// <summary>Completes once the releases asked for are through: true when each reached NATS (none waits to be retried).</summary>
    public async Task<bool> SettledAsync()
    {
        await _releases.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lock (_gate)
        {
            return _failed.Count == 0;
        }
    }

    /// <summary>
    /// Waits for the releases asked for (at most <see cref="NatsOptions.StopTimeout"/>), then cancels what is left: nothing
    /// here uses the NATS connection once this returns.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await Task.WhenAny(_releases, Task.Delay(_cluster.Options.StopTimeout, _cluster.Time)).ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _releases.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _sweep.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private async Task HoldAbandonedAsync(string name, string node, DateTimeOffset until, CancellationTokenSource deadline,
        CancellationToken cancellationToken)
    {
        var key = ClusterKeys.Name(name);
        try
        {
            var read = await Bucket.TryGetEntryAsync<byte[]>(key, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (read.Success && Deserialize(read.Value.Value) is { HeldUntil: null } claim && claim.Node == node)
            {
                // Every surviving node tries; the revision lets one of them do it.
                var held = Serialize(claim with { HeldUntil = until });
                await Bucket.TryUpdateAsync(key, held, read.Value.Revision, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is NatsException || ex is OperationCanceledException && deadline.IsCancellationRequested)
        {
            LogHoldFailed(ex, name);
        }
    }

    private async Task ReleaseAfterAsync(Task previous, PendingRelease release)
    {
        // One release that failed in an unforeseen way must not stop the ones after it (nor every claim, which waits for them).
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var key = ClusterKeys.Name(release.Name);
        using var deadline = new CancellationTokenSource(_cluster.Options.OperationTimeout, _cluster.Time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, deadline.Token);
        try
        {
            var read = await Bucket.TryGetEntryAsync<byte[]>(key, cancellationToken: timeout.Token).ConfigureAwait(false);
            if (!read.Success && read.Error is not (NatsKVKeyNotFoundException or NatsKVKeyDeletedException))
            {
                throw read.Error;
            }

            if (!read.Success || Deserialize(read.Value.Value) is not { } claim || claim.Node != _cluster.Incarnation || claim.Token != release.Token)
            {
                // Taken over by a resume elsewhere meanwhile: not ours to release.
                return;
            }

            // A revision moved on meanwhile (a claim or resume of the name) is no failure: the name is not ours to release.
            if (release.HeldUntil is { } until)
            {
                var held = await Bucket.TryUpdateAsync(key, Serialize(claim with { HeldUntil = until }), read.Value.Revision, cancellationToken: timeout.Token)
                    .ConfigureAwait(false);
                if (!held.Success && held.Error is not NatsKVWrongLastRevisionException)
                {
                    throw held.Error;
                }
            }
            else
            {
                var freed = await Bucket.TryDeleteAsync(key, new NatsKVDeleteOpts { Revision = read.Value.Revision }, timeout.Token).ConfigureAwait(false);
                if (!freed.Success && freed.Error is not NatsKVWrongLastRevisionException)
                {
                    throw freed.Error;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || timeout.IsCancellationRequested)
        {
            // Written again with the next heartbeat; meanwhile the name stays claimed by this node. Whatever the failure (a
            // client error of an unforeseen type too): a release never fails unseen, nor is it dropped.
            LogReleaseFailed(ex, release.Name);
            lock (_gate)
            {
                _failed.TryAdd(key, release);
            }
        }
    }

    /// <summary>Removes and returns the pending release of <paramref name="key"/> for <paramref name="token"/>, if any.</summary>
    private PendingRelease? TakeFailedRelease(string key, string token)
    {
        lock (_gate)
        {
            return _failed.TryGetValue(key, out var release) && release.Token == token && _failed.Remove(key) ? release : null;
        }
    }

    private static byte[] Serialize(NameClaim claim) => JsonSerializer.SerializeToUtf8Bytes(claim, ClusterJson.Default.NameClaim);

    private static NameClaim? Deserialize(byte[]? value)
    {
        if (value is null || value.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(value, ClusterJson.Default.NameClaim);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TokenMatches(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));

    [LoggerMessage(1, LogLevel.Warning, "Names bucket unavailable: could not claim {Name}")]
    private partial void LogUnavailable(Exception exception, string name);

    [LoggerMessage(2, LogLevel.Warning, "Names bucket unavailable: could not release {Name} (trying again with the next heartbeat)")]
    private partial void LogReleaseFailed(Exception exception, string name);

    [LoggerMessage(3, LogLevel.Warning, "Names bucket unavailable: could not hold {Name} of a dead node")]
    private partial void LogHoldFailed(Exception exception, string name);

    [LoggerMessage(4, LogLevel.Debug, "Names bucket swept: {Count} holds over or names freed removed")]
    private partial void LogSwept(int count);

    [LoggerMessage(5, LogLevel.Warning, "Names bucket unavailable: could not sweep it (the next heartbeat tries again)")]
    private partial void LogSweepFailed(Exception exception);

    /// <summary>A release of <paramref name="Name"/>'s claim under <paramref name="Token"/>: held until <paramref name="HeldUntil"/>, or freed (null).</summary>
    private sealed record PendingRelease(string Name, string Token, DateTimeOffset? HeldUntil);
}
