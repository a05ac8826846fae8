using Microsoft.Extensions.Logging;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace WebPeerBridge.Rendezvous.Cluster;

/// <summary>
/// Reads the broadcast stream in order, from the first <c>seq</c> this node has not fanned out, and hands each broadcast to
/// the hub, which sends it to this node's members: every client on every node sees one order. An ordered consumer: NATS.Net
/// recreates it after a reconnect or a NATS restart at the next sequence, so nothing is skipped or repeated.
/// </summary>
internal sealed partial class StreamFanout : IAsyncDisposable
{
    private readonly NatsCluster _cluster;
    private readonly IClusterEvents _events;
    private readonly ILogger<StreamFanout> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private long _next;
    private int _disposed;

    public StreamFanout(NatsCluster cluster, IClusterEvents events, ILogger<StreamFanout> logger)
    {
        _cluster = cluster;
        _events = events;
        _logger = logger;
    }

    /// <summary>Starts consuming after <paramref name="afterSeq"/>.</summary>
    public void Start(long afterSeq)
    {
        _next = afterSeq + 1;
        _loop = Task.Run(ConsumeLoopAsync, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(false);
            _stopping.Dispose();
        }
    }

    private async Task ConsumeLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                var consumer = await _cluster.JetStream.CreateOrderedConsumerAsync(_cluster.Options.StreamName, new NatsJSOrderedConsumerOpts
                {
                    DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence,
                    OptStartSeq = (ulong)_next,
                }, token).ConfigureAwait(false);
                await foreach (var msg in consumer.ConsumeAsync<byte[]>(cancellationToken: token).ConfigureAwait(false))
                {
                    var seq = (long)(msg.Metadata ?? throw new InvalidOperationException("A stream message without metadata.")).Sequence.Stream;
                    _next = seq + 1;
                    _cluster.Log.Observe(seq);
                    if (_cluster.Log.Decode(seq, msg.Data) is { } said)
                    {
                        _cluster.Log.Remember(said);
                        await _events.SaidAsync(said, token).ConfigureAwait(false);
                    }
                    else
                    {
                        // Else a hello whose since is at or past it would wait for the next broadcast.
                        await _events.SkippedAsync(seq, token).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogConsumeFailed(ex, _next);
                try
                {
                    await Task.Delay(_cluster.Options.ConsumerRetryDelay, _cluster.Time, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Broadcast stream consumer failed at seq {Next}; consuming again from there")]
    private partial void LogConsumeFailed(Exception exception, long next);
}
