using System.Text;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Rendezvous.History;

/// <summary>
/// The embedded broadcast log: SQLite (a file, or <c>:memory:</c>) behind an in-memory tail of the newest entries.
/// Appends get their <c>seq</c> at once and are written in batches by a background loop, so fan-out never waits
/// for the disk; the tail holds every entry not yet written, so reads never miss one. Dispose flushes.
/// </summary>
public sealed partial class SqliteBroadcastLog : IBroadcastLog
{
    // The write queue is never longer than the tail, so an entry not yet on disk is always in the tail.
    private const int TailCapacity = 4096;
    private const int MaxBatch = 512;

    private readonly string _connectionString;
    private readonly ILogger<SqliteBroadcastLog> _logger;
    private readonly Said[] _tail = new Said[TailCapacity];
    private readonly Channel<Said> _pending = Channel.CreateBounded<Said>(new BoundedChannelOptions(TailCapacity)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly Lock _gate = new();
    private SqliteConnection? _keepAlive;
    private Task? _writerLoop;
    private long _lastSeq;
    private long _storedSeq;
    private long _tailCount;
    private TaskCompletionSource _stored = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    public SqliteBroadcastLog(string path, ILogger<SqliteBroadcastLog> logger)
    {
        _logger = logger;
        _connectionString = path is ":memory:" or ""
            ? new SqliteConnectionStringBuilder
            {
                // A named shared-cache database lives as long as one connection to it is open.
                DataSource = $"file:wpb-history-{Guid.NewGuid():N}?mode=memory&cache=shared",
            }.ToString()
            : new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(path), Pooling = false }.ToString();
        IsInMemory = path is ":memory:" or "";
    }

    public bool IsInMemory { get; }

    public long LastSeq => Volatile.Read(ref _lastSeq);

    public async ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        _keepAlive = new SqliteConnection(_connectionString);
        await _keepAlive.OpenAsync(cancellationToken).ConfigureAwait(false);
        var create = _keepAlive.CreateCommand();
        await using (create.ConfigureAwait(false))
        {
            var command = create;
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = NORMAL;
                CREATE TABLE IF NOT EXISTS broadcasts (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NULL,
                    sender TEXT NOT NULL,
                    text TEXT NOT NULL,
                    at_ms INTEGER NOT NULL);
                """;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var select = _keepAlive.CreateCommand();
        await using (select.ConfigureAwait(false))
        {
            var command = select;
            command.CommandText = "SELECT COALESCE(MAX(seq), 0) FROM broadcasts";
            _lastSeq = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0L);
        }

        _storedSeq = _lastSeq;
        LogOpened(IsInMemory ? ":memory:" : _keepAlive.DataSource, _lastSeq);
        _writerLoop = Task.Run(WriteLoopAsync, CancellationToken.None);
    }

    public async ValueTask<Said> AppendAsync(string? id, string from, string text, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var said = new Said(_lastSeq + 1, id, from, text, at);
        // Wait mode: when the disk falls 4,096 entries behind, appending waits rather than losing an entry.
        if (!_pending.Writer.TryWrite(said))
        {
            await _pending.Writer.WriteAsync(said, cancellationToken).ConfigureAwait(false);
        }

        lock (_gate)
        {
            _tail[said.Seq % TailCapacity] = said;
            _tailCount = Math.Min(_tailCount + 1, TailCapacity);
            Volatile.Write(ref _lastSeq, said.Seq);
        }

        return said;
    }

    public async ValueTask<HistorySlice> ReadAfterAsync(long afterSeq, int maxCount, long maxBytes, CancellationToken cancellationToken)
    {
        var last = LastSeq;
        afterSeq = Math.Max(0, afterSeq);
        var available = last - afterSeq;
        var count = (int)Math.Min(available, maxCount);
        if (count <= 0)
        {
            return HistorySlice.Empty;
        }

        var firstWanted = last - count + 1;
        var newestFirst = new List<Said>(Math.Min(count, 1024));
        long bytes = 0;
        var full = false;

        // Newest first from the tail, then from the database, until the byte bound.
        long tailFirst;
        lock (_gate)
        {
            tailFirst = last - _tailCount + 1;
            for (var seq = last; seq >= Math.Max(firstWanted, tailFirst) && !full; seq--)
            {
                full = !TryTake(_tail[seq % TailCapacity], newestFirst, ref bytes, maxBytes);
            }
        }

        if (!full && firstWanted < tailFirst)
        {
            // Entries just evicted from the tail may still be in the writer's current batch.
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            var connection = new SqliteConnection(_connectionString);
            await using var connectionScope = connection.ConfigureAwait(false);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = connection.CreateCommand();
            await using var commandScope = command.ConfigureAwait(false);
            command.CommandText = "SELECT seq, id, sender, text, at_ms FROM broadcasts WHERE seq >= $first AND seq < $tailFirst ORDER BY seq DESC";
            command.Parameters.AddWithValue("$first", firstWanted);
            command.Parameters.AddWithValue("$tailFirst", tailFirst);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (!full && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var said = new Said(
                    reader.GetInt64(0),
                    reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)));
                full = !TryTake(said, newestFirst, ref bytes, maxBytes);
            }
        }

        newestFirst.Reverse();
        return new HistorySlice(newestFirst, count - newestFirst.Count);
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var target = LastSeq;
        while (Volatile.Read(ref _storedSeq) < target)
        {
            Task stored;
            lock (_gate)
            {
                stored = _stored.Task;
            }

            if (Volatile.Read(ref _storedSeq) >= target)
            {
                break;
            }

            await stored.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _pending.Writer.TryComplete();
        if (_writerLoop is not null)
        {
            await _writerLoop.ConfigureAwait(false);
        }

        if (_keepAlive is not null)
        {
            await _keepAlive.DisposeAsync().ConfigureAwait(false);
        }

        LogClosed(LastSeq);
    }

    private static bool TryTake(Said said, List<Said> into, ref long bytes, long maxBytes)
    {
        var size = EstimateBytes(said);
        if (bytes + size > maxBytes)
        {
            return false;
        }

        bytes += size;
        into.Add(said);
        return true;
    }

    // The frame's size on the wire, near enough: fields plus the fixed JSON around them.
    private static long EstimateBytes(Said said) =>
        Encoding.UTF8.GetByteCount(said.Text) + Encoding.UTF8.GetByteCount(said.From) + (said.Id?.Length ?? 0) + 96;

    private async Task WriteLoopAsync()
    {
        var batch = new List<Said>(MaxBatch);
        var connection = new SqliteConnection(_connectionString);
        await using var connectionScope = connection.ConfigureAwait(false);
        await connection.OpenAsync().ConfigureAwait(false);
        var command = connection.CreateCommand();
        await using var commandScope = command.ConfigureAwait(false);
        command.CommandText = "INSERT OR REPLACE INTO broadcasts (seq, id, sender, text, at_ms) VALUES ($seq, $id, $sender, $text, $at)";
        var seq = command.Parameters.Add("$seq", SqliteType.Integer);
        var id = command.Parameters.Add("$id", SqliteType.Text);
        var sender = command.Parameters.Add("$sender", SqliteType.Text);
        var text = command.Parameters.Add("$text", SqliteType.Text);
        var at = command.Parameters.Add("$at", SqliteType.Integer);

        while (await _pending.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _pending.Reader.TryRead(out var said))
            {
                batch.Add(said);
            }

            try
            {
                var transaction = (SqliteTransaction)await connection.BeginTransactionAsync().ConfigureAwait(false);
                await using var transactionScope = transaction.ConfigureAwait(false);
                command.Transaction = transaction;
                foreach (var said in batch)
                {
                    seq.Value = said.Seq;
                    id.Value = (object?)said.Id ?? DBNull.Value;
                    sender.Value = said.From;
                    text.Value = said.Text;
                    at.Value = said.At.ToUnixTimeMilliseconds();
                    await command.ExecuteNonQueryAsync().ConfigureAwait(false);
                }

                await transaction.CommitAsync().ConfigureAwait(false);
            }
            catch (SqliteException ex)
            {
                // The entries stay in the tail and in every client's view; only their durability is lost.
                LogWriteFailed(ex, batch.Count, batch[0].Seq);
            }

            TaskCompletionSource done;
            lock (_gate)
            {
                Volatile.Write(ref _storedSeq, batch[^1].Seq);
                done = _stored;
                _stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            done.TrySetResult();
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Broadcast history opened at {Location}; last seq {LastSeq}")]
    private partial void LogOpened(string location, long lastSeq);

    [LoggerMessage(2, LogLevel.Error, "Could not store {Count} broadcasts from seq {FirstSeq}")]
    private partial void LogWriteFailed(Exception exception, int count, long firstSeq);

    [LoggerMessage(3, LogLevel.Information, "Broadcast history closed; last seq {LastSeq}")]
    private partial void LogClosed(long lastSeq);
}
