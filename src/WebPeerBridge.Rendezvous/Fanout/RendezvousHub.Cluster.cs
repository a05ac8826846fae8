using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Validation;
using WebPeerBridge.Rendezvous.Cluster;
using WebPeerBridge.Rendezvous.History;

namespace WebPeerBridge.Rendezvous.Fanout;

/// <summary>
/// The hub as one node of a cluster (DESIGN.md, growing past one machine). Says are published to the stream and not sent
/// from here: the stream consumer hands every broadcast back, from every node in stream order, and only then does it go out
/// to this node's members, so all clients everywhere see one order. Names are claimed in the names bucket; members of other
/// nodes come from the presence bucket and are listed in welcomes and announced like local ones. Without a NATS URL none
/// of this runs and the hub is the embedded one.
/// </summary>
internal sealed partial class RendezvousHub : IClusterEvents
{
    // Members of other nodes, by the name's confusable skeleton, in the order this node learned of them.
    private readonly OrderedDictionary<string, RemoteMember> _remote = new(StringComparer.Ordinal);

    // Hellos whose since is ahead of what this node has fanned out (a client moved here from a node that was ahead):
    // carried out once the stream consumer has caught up, so their welcome fits exactly with what follows it.
    private readonly List<HubCommand> _waitingForStream = [];
    // Says this node published and has not yet seen come back from the stream: their echo counts for their sender.
    private readonly Dictionary<long, IHubClient> _publishedBy = [];
    private readonly NatsCluster? _cluster;
    private NatsPresence? _clusterPresence;
    private NatsNameClaims? _claims;
    private StreamFanout? _streamFanout;
    private long _fannedOutSeq;
    // Numbers this node's publishes: with the incarnation, a message id the stream keeps for its duplicate window.
    private long _published;

    private bool IsClustered => _cluster is not null;

    ValueTask IClusterEvents.SaidAsync(Said said, CancellationToken cancellationToken) =>
        PostAsync(new HubCommand(HubCommandKind.StreamSaid, ClusterOrigin.Instance, said, null, null, null), cancellationToken);

    // The skipped message's seq travels as a said with nothing in it: the frame is never sent.
    ValueTask IClusterEvents.SkippedAsync(long seq, CancellationToken cancellationToken) =>
        PostAsync(new HubCommand(HubCommandKind.StreamSkipped, ClusterOrigin.Instance, new Said(seq, null, "", "", default), null, null, null), cancellationToken);

    ValueTask IClusterEvents.RemoteOnlineAsync(PeerInfo peer, string node, CancellationToken cancellationToken) =>
        PostAsync(new HubCommand(HubCommandKind.RemoteOnline, ClusterOrigin.Instance, new Joined(peer), node, null, null), cancellationToken);

    ValueTask IClusterEvents.RemoteLeftAsync(string name, string reason, string node, CancellationToken cancellationToken) =>
        PostAsync(new HubCommand(HubCommandKind.RemoteLeft, ClusterOrigin.Instance, new Left(name, reason), node, null, null), cancellationToken);

    ValueTask IClusterEvents.NodeDiedAsync(string node, CancellationToken cancellationToken) =>
        PostAsync(new HubCommand(HubCommandKind.NodeDied, ClusterOrigin.Instance, null, node, null, null), cancellationToken);

    void IClusterEvents.Heartbeat() =>
        _inbox.Writer.TryWrite(new HubCommand(HubCommandKind.Heartbeat, ClusterOrigin.Instance, null, null, null, null));

    private async ValueTask PostAsync(HubCommand command, CancellationToken cancellationToken)
    {
        try
        {
            await _inbox.Writer.WriteAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // The hub is stopping: what other nodes do no longer matters here.
        }
    }

    /// <summary>Reads the presence bucket, then consumes the stream after the last <c>seq</c> stored so far.</summary>
    private async Task StartClusterAsync(CancellationToken cancellationToken)
    {
        if (_cluster is null)
        {
            return;
        }

        _fannedOutSeq = _log.LastSeq;
        _clusterPresence = new NatsPresence(_cluster, this, _cluster.LoggerFactory.CreateLogger<NatsPresence>());
        _claims = new NatsNameClaims(_cluster, _clusterPresence.IsAlive, _cluster.LoggerFactory.CreateLogger<NatsNameClaims>());
        _streamFanout = new StreamFanout(_cluster, this, _cluster.LoggerFactory.CreateLogger<StreamFanout>());
        await _clusterPresence.StartAsync(cancellationToken).ConfigureAwait(false);
        _streamFanout.Start(_fannedOutSeq);
    }

    /// <summary>No more broadcasts from the stream: the hub is about to carry out its last commands.</summary>
    private async Task StopStreamFanoutAsync()
    {
        if (_streamFanout is not null)
        {
            await _streamFanout.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// After the loop: writes the left entries and releases of the members that went with the shutdown, both within one
    /// <see cref="NatsOptions.StopTimeout"/>, then cancels what is left (before the NATS connection is disposed).
    /// </summary>
    private async Task DisposeClusterAsync()
    {
        // At once: a left entry waits for its release; both give up at the same deadline. What is not written stays claimed
        // by this node's incarnation (held once the others see it die) and expires from the presence bucket.
        await Task.WhenAll(
            _clusterPresence?.DisposeAsync().AsTask() ?? Task.CompletedTask,
            _claims?.DisposeAsync().AsTask() ?? Task.CompletedTask).ConfigureAwait(false);
    }

    private async ValueTask OnClusterCommandAsync(HubCommand command)
    {
        switch (command.Kind)
        {
            case HubCommandKind.StreamSaid:
                OnStreamSaid((Said)command.Frame!);
                if (_waitingForStream.Count > 0)
                {
                    await RegisterCaughtUpAsync().ConfigureAwait(false);
                }

                break;
            case HubCommandKind.StreamSkipped:
                _fannedOutSeq = Math.Max(_fannedOutSeq, ((Said)command.Frame!).Seq);
                if (_waitingForStream.Count > 0)
                {
                    await RegisterCaughtUpAsync().ConfigureAwait(false);
                }

                break;
            case HubCommandKind.RemoteOnline:
                await OnRemoteOnlineAsync(((Joined)command.Frame!).Peer, command.Text!).ConfigureAwait(false);
                break;
            case HubCommandKind.RemoteLeft:
                var left = (Left)command.Frame!;
                OnRemoteLeft(left.Name, left.Reason, command.Text!);
                break;
            case HubCommandKind.NodeDied:
                await OnNodeDiedAsync(command.Text!).ConfigureAwait(false);
                break;
            case HubCommandKind.Heartbeat:
                if (_cluster!.IsConnected)
                {
                    // Releases that did not reach NATS first, then (once every one did) the lefts waiting for them with
                    // the renewals: whoever hears a left finds the name free.
                    _claims!.RetryFailedReleases();
                    _clusterPresence!.Beat([.. _presence.Online], _claims.SettledAsync());
                    _claims.Sweep();
                }

                break;
        }
    }

    private void OnStreamSaid(Said said)
    {
        if (said.Seq <= _fannedOutSeq)
        {
            return;
        }

        _fannedOutSeq = said.Seq;
        if (_publishedBy.Remove(said.Seq, out var sender))
        {
            // Its sender's echo: counted as such, so its says in flight move on.
            _turn.AddOwn(Outbound.Of(said), sender);
        }
        else
        {
            FanOut(Outbound.Of(said));
        }
    }

    private async ValueTask RegisterCaughtUpAsync()
    {
        var ready = _waitingForStream.Where(c => ((Hello)c.Frame!).Since <= _fannedOutSeq).ToArray();
        foreach (var command in ready)
        {
            _waitingForStream.Remove(command);
            await RegisterInClusterAsync(command.Client, (Hello)command.Frame!, command.Host!).ConfigureAwait(false);
        }
    }

    private async ValueTask OnRemoteOnlineAsync(PeerInfo peer, string node)
    {
        var key = NameSkeletons.Key(peer.Name);
        PeerInfo? previous = null;
        if (_members.TryGetValue(key, out var local))
        {
            if (await _claims!.OwnerAsync(peer.Name, CancellationToken.None).ConfigureAwait(false) != node)
            {
                // A renewal the other node wrote before it saw the name move here: the name is ours; say so again.
                _clusterPresence!.Online(local.Peer);
                return;
            }

            // Its owner resumed it on another node with its token: this connection is stale, close it without a word.
            RemoveMember(local);
            local.Client.Replace();
            previous = local.Peer;
            LogMovedAway(local.Client.ConnectionId, peer.Name, node);
        }
        else if (_remote.TryGetValue(key, out var known))
        {
            previous = known.Peer;
        }

        _remote[key] = new RemoteMember(peer, node);
        if (previous is null || Moved(previous, peer))
        {
            FanOut(Outbound.Of(new Joined(peer)));
        }
    }

    private void OnRemoteLeft(string name, string reason, string node)
    {
        var key = NameSkeletons.Key(name);
        if (_remote.TryGetValue(key, out var known) && known.Node == node)
        {
            _remote.Remove(key);
            FanOut(Outbound.Of(new Left(known.Peer.Name, reason)));
        }
    }

    private async ValueTask OnNodeDiedAsync(string node)
    {
        var gone = _remote.Where(r => r.Value.Node == node).ToArray();
        foreach (var (key, member) in gone)
        {
            _remote.Remove(key);
            FanOut(Outbound.Of(new Left(member.Peer.Name, LeftReasons.Timeout)));
        }

        // Their names are held for their tokens from now on, so they can move here and resume.
        await _claims!.HoldAbandonedAsync([.. gone.Select(g => g.Value.Peer.Name)], node, CancellationToken.None).ConfigureAwait(false);
    }

    private async ValueTask RegisterInClusterAsync(IHubClient client, Hello hello, string observedHost)
    {
        var isSeed = client.Protocol == PeerProtocols.Seed;
        if (!isSeed && hello.Since is { } since && since > _fannedOutSeq && since <= await _cluster!.Log.RefreshLastSeqAsync().ConfigureAwait(false))
        {
            // The stream has it, this node has not fanned it out yet: wait for the consumer, so nothing comes twice.
            _waitingForStream.Add(new HubCommand(HubCommandKind.Register, client, hello, null, null, observedHost));
            LogWaitingForStream(client.ConnectionId, since, _fannedOutSeq);
            return;
        }

        var token = NewToken();
        var (name, outcome) = isSeed ? await ClaimSeedNameAsync(hello.Name, token).ConfigureAwait(false) : await ClaimAsync(client, hello, token).ConfigureAwait(false);
        if (name is null)
        {
            return;
        }

        PeerInfo? previous = null;
        var key = NameSkeletons.Key(name);
        if (_members.TryGetValue(key, out var holder))
        {
            // The same user reconnecting to this node: take the name back from its stale connection, silently.
            RemoveMember(holder);
            holder.Client.Replace();
            previous = holder.Peer;
        }
        else if (outcome == NameClaimOutcome.Resumed && _remote.Remove(key, out var remote))
        {
            // Moved here from another node (alive or dead): that node closes its stale connection when it sees the entry.
            previous = remote.Peer;
        }

        var peer = new PeerInfo(name, hello.Host ?? observedHost, hello.PeerPort ?? 0, previous?.Since ?? _time.GetUtcNow(), client.Protocol, hello.Key);
        var history = await ReadClusterHistoryAsync(hello.Since, isSeed).ConfigureAwait(false);
        // Local and remote members: the spliced peer list holds only this node's, so a clustered welcome is serialized.
        var peers = _presence.Online.Concat(_remote.Values.Select(r => r.Peer)).Take(_options.WelcomeMaxPeers).ToArray();
        var welcome = WelcomeLine.Unrendered(new Welcome(peer, token, peers, history.Entries, history.Skipped > 0 ? history.Skipped : null));
        var joined = Outbound.Of(new Joined(peer));
        AddMember(new Member(client, peer, token, PeerListLine.PeerOf(joined.Line)));
        _clusterPresence!.Online(peer);

        // As on one node: the welcome goes at the end of the turn, then only what the turn adds after this point.
        _welcomes.Add((client, peer, welcome));
        LogRegistered(client.ConnectionId, peer.Name, peer.Host, peer.Port, client.Protocol, previous is not null);
        if (previous is null || Moved(previous, peer))
        {
            _turn.Add(joined);
        }

        _turn.StartsHere(client);
    }

    /// <summary>A v1 hello's name: claimed, or refused (then the name is null).</summary>
    private async ValueTask<(string? Name, NameClaimOutcome Outcome)> ClaimAsync(IHubClient client, Hello hello, string token)
    {
        var name = hello.Name;
        if (_members.TryGetValue(NameSkeletons.Key(name), out var holder) && (hello.Resume is null || !TokenMatches(holder.Token, hello.Resume)))
        {
            RefuseTaken(client, holder.Peer.Name, name);
            return (null, NameClaimOutcome.Taken);
        }

        var outcome = await _claims!.ClaimAsync(name, hello.Resume, token, CancellationToken.None).ConfigureAwait(false);
        switch (outcome)
        {
            case NameClaimOutcome.Taken:
                RefuseTaken(client, name, name);
                return (null, outcome);
            case NameClaimOutcome.Held:
                RefuseHeld(client, name);
                return (null, outcome);
            case NameClaimOutcome.Unavailable:
                RefuseUnavailable(client, name);
                return (null, outcome);
            case NameClaimOutcome.Claimed when !NameSkeletons.IsHighlyRestrictive(name):
                // Not a lookalike of a name online or held (that was name_taken), but one that could become one of a name to come.
                _claims.Release(name, token, hold: false);
                RefuseMixedScripts(client, name);
                return (null, outcome);
            default:
                return (name, outcome);
        }
    }

    /// <summary>A seed client's adapted name, with <c>-2</c>, <c>-3</c>… (from where the last search ended) until one is free on every node.</summary>
    private async ValueTask<(string? Name, NameClaimOutcome Outcome)> ClaimSeedNameAsync(string requested, string token)
    {
        var outcome = NameClaimOutcome.Claimed;
        var name = await _seedNames.FindAsync(requested, async candidate =>
        {
            var key = NameSkeletons.Key(candidate);
            if (_members.ContainsKey(key) || _remote.ContainsKey(key))
            {
                return false;
            }

            outcome = await _claims!.ClaimAsync(candidate, null, token, CancellationToken.None).ConfigureAwait(false);
            // Unavailable: the bucket is down; the seed client cannot retry, so it gets the name here alone.
            return outcome is NameClaimOutcome.Claimed or NameClaimOutcome.Unavailable;
        }).ConfigureAwait(false);
        return (name, outcome);
    }

    private ValueTask<HistorySlice> ReadClusterHistoryAsync(long? since, bool isSeed)
    {
        var log = _cluster!.Log;
        var last = _fannedOutSeq;
        if (isSeed)
        {
            return log.ReadRangeAsync(0, last, _options.SeedHistoryCount, _options.WelcomeHistoryMaxBytes, CancellationToken.None);
        }

        // Up to what this node has fanned out: whatever comes later reaches the newcomer from the stream.
        return since is { } s && s <= last
            ? log.ReadRangeAsync(s, last, int.MaxValue, _options.WelcomeHistoryMaxBytes, CancellationToken.None)
            : log.ReadRangeAsync(0, last, _options.WelcomeHistoryCount, _options.WelcomeHistoryMaxBytes, CancellationToken.None);
    }

    /// <summary>
    /// Publishes the queued says; each that is not stored gets <c>unavailable</c>. A sender's says go in the order it sent
    /// them, different senders' at once (in waves: the first say of each, then the second of each…), so a batch takes about
    /// one round trip per say of its busiest sender, not per say. The hub's loop waits for this: at most twice
    /// <see cref="RendezvousOptions.HistoryWriteTimeout"/> (once more for the says whose acknowledgement did not come, published
    /// again under their message id: the stream stores them once and answers with their <c>seq</c>). After a failure the rest
    /// of the batch is refused at once, and so is all of it while NATS is away.
    /// </summary>
    private async ValueTask PublishSaysAsync()
    {
        var batch = _says.ToArray();
        _says.Clear();
        if (!_cluster!.IsConnected)
        {
            foreach (var (client, broadcast) in batch)
            {
                RefuseSay(client, broadcast.Id);
            }

            LogUnavailable(batch.Length, "not connected to NATS");
            return;
        }

        var msgIds = new string[batch.Length];
        for (var i = 0; i < batch.Length; i++)
        {
            msgIds[i] = _cluster.Incarnation + "-" + (++_published).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var waves = Waves(batch);
        var timeout = _options.HistoryWriteTimeout;
        var deadline = _time.GetUtcNow() + timeout * 2;
        var retried = false;
        for (var w = 0; w < waves.Count; w++)
        {
            var wave = waves[w].ToArray();
            var left = deadline - _time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                RefuseRest(batch, waves, w, []);
                return;
            }

            var results = await PublishWaveAsync(batch, msgIds, wave, left < timeout ? left : timeout).ConfigureAwait(false);
            var failed = Enumerable.Range(0, wave.Length).Where(k => results[k] is null).ToArray();
            if (failed.Length > 0 && !retried && _cluster.IsConnected && deadline - _time.GetUtcNow() is { Ticks: > 0 } remaining)
            {
                // Stored but not acknowledged (an answer lost in a reconnect or failover) or not stored: the same id again.
                retried = true;
                LogPublishRetried(failed.Length);
                var again = await PublishWaveAsync(batch, msgIds, [.. failed.Select(k => wave[k])], remaining).ConfigureAwait(false);
                for (var f = 0; f < failed.Length; f++)
                {
                    results[failed[f]] = again[f];
                }

                failed = [.. failed.Where(k => results[k] is null)];
            }

            for (var k = 0; k < wave.Length; k++)
            {
                if (results[k] is { } said && said.Seq > _fannedOutSeq)
                {
                    // Not sent from here: the stream consumer brings it back in stream order (after this, on the hub's loop).
                    _publishedBy[said.Seq] = batch[wave[k]].Client;
                }
            }

            if (failed.Length > 0)
            {
                RefuseRest(batch, waves, w + 1, [.. failed.Select(k => wave[k])]);
                return;
            }
        }
    }

    /// <summary>Refuses the says at <paramref name="failed"/>, then at once every say of the waves from <paramref name="firstWave"/> on.</summary>
    private void RefuseRest((IHubClient Client, NewBroadcast Broadcast)[] batch, List<List<int>> waves, int firstWave, int[] failed)
    {
        var refused = failed.Concat(waves.Skip(firstWave).SelectMany(wave => wave)).ToArray();
        foreach (var i in refused)
        {
            RefuseSay(batch[i].Client, batch[i].Broadcast.Id);
        }

        LogUnavailable(refused.Length, "the broadcast stream did not acknowledge in time");
    }

    /// <summary>The says of <paramref name="wave"/> published at once; each one's said, or null if it was not acknowledged.</summary>
    private async Task<Said?[]> PublishWaveAsync((IHubClient Client, NewBroadcast Broadcast)[] batch, string[] msgIds, int[] wave,
        TimeSpan timeout)
    {
        var log = _cluster!.Log;
        var pending = new Task<Said>[wave.Length];
        for (var k = 0; k < wave.Length; k++)
        {
            pending[k] = log.PublishAsync(batch[wave[k]].Broadcast, msgIds[wave[k]], timeout, CancellationToken.None).AsTask();
        }

        var results = new Said?[wave.Length];
        for (var k = 0; k < wave.Length; k++)
        {
            try
            {
                results[k] = await pending[k].ConfigureAwait(false);
            }
            catch (BroadcastLogUnavailableException ex)
            {
                LogPublishFailed(ex.Message);
            }
        }

        return results;
    }

    /// <summary>The batch's indexes in waves: the k-th say of every sender in the k-th wave, each wave in the batch's order.</summary>
    private static List<List<int>> Waves((IHubClient Client, NewBroadcast Broadcast)[] batch)
    {
        var waves = new List<List<int>>();
        var countOf = new Dictionary<IHubClient, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < batch.Length; i++)
        {
            var k = countOf.GetValueOrDefault(batch[i].Client);
            countOf[batch[i].Client] = k + 1;
            if (k == waves.Count)
            {
                waves.Add([]);
            }

            waves[k].Add(i);
        }

        return waves;
    }

    /// <summary>A member of this node left: others learn it from its presence entry; its name is held or freed for all.</summary>
    private void ReleaseInCluster(Member member, string reason)
    {
        var hold = reason != LeftReasons.Bye && member.Client.Protocol != PeerProtocols.Seed;
        _claims!.Release(member.Peer.Name, member.Token, hold);
        _clusterPresence!.Left(member.Peer.Name, reason, _claims.SettledAsync());
    }

    /// <summary>
    /// Sends a frame from the cluster (a broadcast in stream order, another node's join or leave) to every member here, in
    /// this turn's one write per client.
    /// </summary>
    private void FanOut(in Outbound frame) => _turn.Add(frame);

    private static bool Moved(PeerInfo before, PeerInfo now) => before.Host != now.Host || before.Port != now.Port || before.Key != now.Key;

    private sealed record RemoteMember(PeerInfo Peer, string Node);

    [LoggerMessage(20, LogLevel.Information, "{ConnectionId} ({Name}) moved to node {Node}: closed without a word")]
    private partial void LogMovedAway(string connectionId, string name, string node);

    [LoggerMessage(23, LogLevel.Debug, "{ConnectionId}: its hello since {Since} waits for the stream (this node has sent up to {FannedOut})")]
    private partial void LogWaitingForStream(string connectionId, long since, long fannedOut);

    [LoggerMessage(21, LogLevel.Warning, "Publishing again {Count} says the stream did not acknowledge in time (under the same message ids)")]
    private partial void LogPublishRetried(int count);

    [LoggerMessage(22, LogLevel.Debug, "A publish failed: {Reason}")]
    private partial void LogPublishFailed(string reason);
}
