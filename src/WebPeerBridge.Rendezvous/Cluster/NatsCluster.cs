using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace WebPeerBridge.Rendezvous.Cluster;

/// <summary>
/// This node's connection to NATS JetStream and the three stores on it: the broadcast stream, the names bucket and the
/// presence bucket. Creates them when they are missing (every node may: creating an existing one with the same settings
/// is a no-op). Owned by <see cref="NatsBroadcastLog"/>, which the server opens first and closes last.
/// </summary>
internal sealed partial class NatsCluster : IAsyncDisposable
{
    private readonly ILogger<NatsCluster> _logger;
    private NatsConnection? _connection;
    private NatsJSContext? _js;
    private INatsKVStore? _names;
    private INatsKVStore? _presence;
    private int _disposed;
    private int _lost;

    public NatsCluster(RendezvousOptions options, TimeProvider time, ILoggerFactory loggerFactory)
    {
        Options = options.Nats;
        Rendezvous = options;
        Time = time;
        LoggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<NatsCluster>();
        NodeId = string.IsNullOrEmpty(Options.NodeId) ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)) : Options.NodeId;
        Incarnation = NodeId + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        Log = new NatsBroadcastLog(this, loggerFactory.CreateLogger<NatsBroadcastLog>());
        LogIncarnation(NodeId, Incarnation);
    }

    public NatsOptions Options { get; }

    public RendezvousOptions Rendezvous { get; }

    public TimeProvider Time { get; }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>This node's id as configured (or a random one): its name in logs and on the NATS connection.</summary>
    public string NodeId { get; }

    /// <summary>
    /// This process's id in presence entries, claims and heartbeats: the node id and a random part new at every start. A node
    /// restarted under the same id is another node to the cluster: the names that were online at it stay claimed by its
    /// former life, which the others (and it) see die within the node timeout, then hold for their tokens; its former
    /// members are announced as left. Under the bare node id, the restarted node would take its old claims for its own and
    /// hand those names to anyone, and its heartbeat would keep its former members listed elsewhere for good.
    /// </summary>
    public string Incarnation { get; }

    /// <summary>The broadcast log on the stream.</summary>
    public NatsBroadcastLog Log { get; }

    /// <summary>Raised when the connection to NATS is back after a loss (on NATS.Net's thread: handlers only signal).</summary>
    public event Action? Reconnected;

    /// <summary>Whether the connection to NATS is up now (NATS.Net reconnects by itself when it is not).</summary>
    public bool IsConnected => _connection?.ConnectionState == NatsConnectionState.Open;

    public INatsJSContext JetStream => _js ?? throw new InvalidOperationException("Not connected to NATS yet.");

    public INatsKVStore Names => _names ?? throw new InvalidOperationException("Not connected to NATS yet.");

    public INatsKVStore Presence => _presence ?? throw new InvalidOperationException("Not connected to NATS yet.");

    /// <summary>
    /// Connects (NATS.Net reconnects by itself from then on) and creates the stream and buckets when missing. Waits, without
    /// listening, while NATS or its JetStream is not there yet: compose starts the nodes with the NATS servers, and a NATS
    /// cluster elects its JetStream leader seconds after its servers are up.
    /// </summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        _connection = new NatsConnection(new NatsOpts
        {
            Url = Options.Url!,
            Name = "webpeerbridge-rendezvous-" + NodeId,
            LoggerFactory = LoggerFactory,
            MaxReconnectRetry = -1,
            RetryOnInitialConnect = true,
        });
        WatchConnection(_connection);
        await _connection.ConnectAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        _js = new NatsJSContext(_connection);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await CreateStoresAsync(_js, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Exception ex) when (IsNotReadyYet(ex) && !cancellationToken.IsCancellationRequested)
            {
                var delay = TimeSpan.FromSeconds(Math.Min(5, 0.5 * (1 << Math.Min(attempt, 4))));
                LogJetStreamNotReady(Options.Url!, ex.Message, delay.TotalSeconds);
                await Task.Delay(delay, Time, cancellationToken).ConfigureAwait(false);
            }
        }

        LogConnected(NodeId, Options.Url!, Options.StreamName);
    }

    private async Task CreateStoresAsync(NatsJSContext js, CancellationToken cancellationToken)
    {
        await js.CreateOrUpdateStreamAsync(new StreamConfig(Options.StreamName, [Options.Subject])
        {
            Storage = StreamConfigStorage.File,
            Retention = StreamConfigRetention.Limits,
            MaxMsgs = Options.StreamMaxMessages,
            NumReplicas = Options.Replicas,
            Discard = StreamConfigDiscard.Old,
        }, cancellationToken).ConfigureAwait(false);

        var kv = new NatsKVContext(js);
        _names = await kv.CreateOrUpdateStoreAsync(new NatsKVConfig(Options.NamesBucket)
        {
            History = 1,
            Storage = NatsKVStorageType.File,
            NumberOfReplicas = Options.Replicas,
        }, cancellationToken).ConfigureAwait(false);

        // 2.9 has no per-key TTL: entries live as long as the bucket's max age unless their node renews them.
        _presence = await kv.CreateOrUpdateStoreAsync(new NatsKVConfig(Options.PresenceBucket)
        {
            History = 1,
            Storage = NatsKVStorageType.File,
            NumberOfReplicas = Options.Replicas,
            MaxAge = Options.NodeTimeout,
        }, cancellationToken).ConfigureAwait(false);
    }

    // 503 is JetStream's "not now" (no leader elected yet, fewer servers up than the replicas); any other refusal is a
    // setting to fix, so the node fails. No responders, no answer in time or a connection lost meanwhile: not yet there.
    private static bool IsNotReadyYet(Exception ex) => ex switch
    {
        NatsJSApiException api => api.Error.Code == 503,
        NatsException or TimeoutException => true,
        _ => false,
    };

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && _connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Logs losing NATS and getting it back, and tells <see cref="Reconnected"/>.</summary>
    private void WatchConnection(NatsConnection connection)
    {
        connection.ConnectionDisconnected += (_, _) =>
        {
            Volatile.Write(ref _lost, 1);
            LogDisconnected(Options.Url!);
            return ValueTask.CompletedTask;
        };
        connection.ConnectionOpened += (_, _) =>
        {
            // Also raised for the first connection: only back after a loss is news.
            if (Interlocked.Exchange(ref _lost, 0) == 1)
            {
                LogReconnected(Options.Url!);
                Reconnected?.Invoke();
            }

            return ValueTask.CompletedTask;
        };
    }

    // Event ids from 10: the ones below are the connection's own.
    [LoggerMessage(10, LogLevel.Information, "Cluster node {NodeId} is {Incarnation} in presence entries and claims for this start")]
    private partial void LogIncarnation(string nodeId, string incarnation);

    [LoggerMessage(11, LogLevel.Warning, "Connection to NATS at {Url} lost: says and hellos get unavailable until it is back")]
    private partial void LogDisconnected(string url);

    [LoggerMessage(12, LogLevel.Information, "Connection to NATS at {Url} back")]
    private partial void LogReconnected(string url);

    [LoggerMessage(1, LogLevel.Information, "Cluster node {NodeId} connected to NATS at {Url}; broadcasts on stream {Stream}")]
    private partial void LogConnected(string nodeId, string url, string stream);

    [LoggerMessage(2, LogLevel.Warning, "JetStream at {Url} not ready ({Reason}); trying again in {Seconds} s, not listening meanwhile")]
    private partial void LogJetStreamNotReady(string url, string reason, double seconds);
}
