using System.Text;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Serialization;
using WebPeerBridge.Rendezvous.History;

namespace WebPeerBridge.Rendezvous.Cluster;

/// <summary>
/// The broadcast log on a JetStream stream: its sequence is <c>seq</c>, a broadcast is stored once the stream acknowledged
/// it (file storage, replicated as configured), and reads replay from a start sequence. Each message is the <c>said</c> line
/// with <c>seq</c> 0; the stream's sequence fills it in. Also the owner of the node's NATS connection.
/// </summary>
internal sealed partial class NatsBroadcastLog : IBroadcastLog
{
    // The newest broadcasts the stream consumer delivered, in seq order: most welcomes are served from here, not the stream.
    private readonly Said[] _tail;
    private readonly Lock _gate = new();
    private readonly NatsCluster _cluster;
    private readonly ILogger<NatsBroadcastLog> _logger;
    private long _lastSeq;
    private long _appended;
    private long _tailLast;
    private int _tailCount;

    public NatsBroadcastLog(NatsCluster cluster, ILogger<NatsBroadcastLog> logger)
    {
        _cluster = cluster;
        _logger = logger;
        _tail = new Said[cluster.Options.HistoryTailCapacity];
    }

    /// <summary>The newest <c>seq</c> this node knows to be stored (from the stream at start, then from acks and the consumer).</summary>
    public long LastSeq => Volatile.Read(ref _lastSeq);

    public async ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        await _cluster.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var stream = await _cluster.JetStream.GetStreamAsync(_cluster.Options.StreamName, cancellationToken: cancellationToken).ConfigureAwait(false);
        Observe((long)stream.Info.State.LastSeq);
        LogOpened(LastSeq);
    }

    /// <summary>Asks the stream for its newest <c>seq</c> (it may be ahead of this node); on failure what this node knows.</summary>
    public async ValueTask<long> RefreshLastSeqAsync()
    {
        using var timeout = new CancellationTokenSource(_cluster.Options.OperationTimeout, _cluster.Time);
        try
        {
            var stream = await _cluster.JetStream.GetStreamAsync(_cluster.Options.StreamName, cancellationToken: timeout.Token).ConfigureAwait(false);
            Observe((long)stream.Info.State.LastSeq);
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException)
        {
            LogReadFailed(ex, LastSeq, LastSeq);
        }

        return LastSeq;
    }

    /// <summary>
    /// Stores one broadcast under <paramref name="msgId"/> and returns it as said; <see cref="BroadcastLogUnavailableException"/>
    /// when the stream did not acknowledge it within <paramref name="timeout"/> (it may still have stored it). Published again
    /// under the same id within the stream's duplicate window (2 minutes), it is stored once: the stream answers with the
    /// <c>seq</c> it got the first time.
    /// </summary>
    public async ValueTask<Said> PublishAsync(NewBroadcast broadcast, string msgId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var line = FrameCodec.ToLine(new Said(0, broadcast.Id, broadcast.From, broadcast.Text, broadcast.At));
        using var deadline = new CancellationTokenSource(timeout, _cluster.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        long seq;
        try
        {
            var ack = await _cluster.JetStream.PublishAsync(_cluster.Options.Subject, line, opts: new NatsJSPubOpts { MsgId = msgId },
                cancellationToken: linked.Token).ConfigureAwait(false);
            ack.EnsureSuccess();
            seq = (long)ack.Seq;
        }
        catch (NatsJSDuplicateMessageException duplicate)
        {
            // Stored by an earlier publish of this id (its answer was lost): that one's seq.
            seq = (long)duplicate.Sequence;
        }
        catch (Exception ex) when (ex is NatsException or TimeoutException || ex is OperationCanceledException && deadline.IsCancellationRequested)
        {
            throw new BroadcastLogUnavailableException("The broadcast stream did not acknowledge the broadcast: " + ex.Message, ex);
        }

        Observe(seq);
        return new Said(seq, broadcast.Id, broadcast.From, broadcast.Text, broadcast.At);
    }

    /// <summary>Stores them one after the other, in order, each within the history write timeout; on a failure the ones before it stay stored.</summary>
    public async ValueTask<IReadOnlyList<Said>> AppendAsync(IReadOnlyList<NewBroadcast> broadcasts, CancellationToken cancellationToken)
    {
        var stored = new List<Said>(broadcasts.Count);
        foreach (var broadcast in broadcasts)
        {
            var msgId = _cluster.Incarnation + "-a" + Interlocked.Increment(ref _appended).ToString(System.Globalization.CultureInfo.InvariantCulture);
            stored.Add(await PublishAsync(broadcast, msgId, _cluster.Rendezvous.HistoryWriteTimeout, cancellationToken).ConfigureAwait(false));
        }

        return stored;
    }

    public ValueTask<HistorySlice> ReadAfterAsync(long afterSeq, int maxCount, long maxBytes, CancellationToken cancellationToken) =>
        ReadRangeAsync(afterSeq, LastSeq, maxCount, maxBytes, cancellationToken);

    /// <summary>
    /// The newest entries with <paramref name="afterSeq"/> &lt; <c>seq</c> ≤ <paramref name="throughSeq"/>, at most
    /// <paramref name="maxCount"/> and <paramref name="maxBytes"/>, oldest first (entries the stream no longer keeps are absent).
    /// </summary>
    public async ValueTask<HistorySlice> ReadRangeAsync(long afterSeq, long throughSeq, int maxCount, long maxBytes, CancellationToken cancellationToken)
    {
        afterSeq = Math.Max(0, afterSeq);
        var count = (int)Math.Min(throughSeq - afterSeq, maxCount);
        if (count <= 0)
        {
            return HistorySlice.Empty;
        }

        var first = throughSeq - count + 1;
        var entries = FromTail(first, throughSeq) ?? await ReadStreamAsync(first, throughSeq, count, cancellationToken).ConfigureAwait(false);

        // Newest first until the byte bound, like the embedded log.
        long bytes = 0;
        var keep = 0;
        for (var i = entries.Count - 1; i >= 0; i--)
        {
            var size = EstimateBytes(entries[i]);
            if (bytes + size > maxBytes)
            {
                break;
            }

            bytes += size;
            keep++;
        }

        return new HistorySlice(entries.GetRange(entries.Count - keep, keep), count - keep);
    }

    /// <summary>The stream consumer delivered <paramref name="said"/> (in seq order): kept in the tail for welcomes.</summary>
    public void Remember(Said said)
    {
        lock (_gate)
        {
            if (said.Seq != _tailLast + 1)
            {
                // A gap (messages the stream no longer keeps) or the first one: the tail starts again here.
                _tailCount = 0;
            }

            _tail[said.Seq % _tail.Length] = said;
            _tailLast = said.Seq;
            _tailCount = Math.Min(_tailCount + 1, _tail.Length);
        }
    }

    private List<Said>? FromTail(long first, long through)
    {
        lock (_gate)
        {
            if (_tailCount == 0 || through > _tailLast || first <= _tailLast - _tailCount)
            {
                return null;
            }

            var entries = new List<Said>((int)(through - first + 1));
            for (var seq = first; seq <= through; seq++)
            {
                entries.Add(_tail[seq % _tail.Length]);
            }

            return entries;
        }
    }

    private async Task<List<Said>> ReadStreamAsync(long first, long throughSeq, int count, CancellationToken cancellationToken)
    {
        var entries = new List<Said>(Math.Min(count, _tail.Length));
        using var deadline = new CancellationTokenSource(_cluster.Options.HistoryReadTimeout, _cluster.Time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            var consumer = await _cluster.JetStream.CreateOrderedConsumerAsync(_cluster.Options.StreamName, new NatsJSOrderedConsumerOpts
            {
                DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence,
                OptStartSeq = (ulong)first,
            }, timeout.Token).ConfigureAwait(false);
            await foreach (var msg in consumer.ConsumeAsync<byte[]>(cancellationToken: timeout.Token).ConfigureAwait(false))
            {
                var metadata = msg.Metadata ?? throw new InvalidOperationException("A stream message without metadata.");
                var seq = (long)metadata.Sequence.Stream;
                if (seq > throughSeq)
                {
                    break;
                }

                if (Decode(seq, msg.Data) is { } said)
                {
                    entries.Add(said);
                }

                if (seq == throughSeq || metadata.NumPending == 0)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // A welcome without (all of) its history is better than none: the client can still chat and reconnect with since.
            LogReadFailed(ex, first, throughSeq);
        }

        return entries;
    }

    /// <summary>A message of the stream as the <c>said</c> it carries; null (logged) for one that is not ours.</summary>
    public Said? Decode(long seq, byte[]? data)
    {
        if (data is not null)
        {
            var length = data.Length > 0 && data[^1] == (byte)'\n' ? data.Length - 1 : data.Length;
            if (FrameCodec.Decode(data.AsSpan(0, length)).Frame is Said said)
            {
                return said with { Seq = seq };
            }
        }

        LogForeignMessage(seq);
        return null;
    }

    /// <summary>The stream holds <paramref name="seq"/> (seen by an ack or the consumer).</summary>
    public void Observe(long seq)
    {
        var current = Volatile.Read(ref _lastSeq);
        while (seq > current)
        {
            var seen = Interlocked.CompareExchange(ref _lastSeq, seq, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    private static long EstimateBytes(Said said) =>
        Encoding.UTF8.GetByteCount(said.Text) + Encoding.UTF8.GetByteCount(said.From) + (said.Id?.Length ?? 0) + 96;

    [LoggerMessage(1, LogLevel.Information, "Broadcast stream opened; last seq {LastSeq}")]
    private partial void LogOpened(long lastSeq);

    [LoggerMessage(2, LogLevel.Warning, "Could not read broadcasts {First}–{Through} from the stream; the welcome carries fewer")]
    private partial void LogReadFailed(Exception exception, long first, long through);

    [LoggerMessage(3, LogLevel.Warning, "Stream message {Seq} is no broadcast; skipped")]
    private partial void LogForeignMessage(long seq);
}
