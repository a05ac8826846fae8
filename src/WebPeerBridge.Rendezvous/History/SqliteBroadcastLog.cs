using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Rendezvous.History;

/// <summary>
/// The embedded broadcast log: SQLite (a file, or <c>:memory:</c>) behind an in-memory tail of the newest entries.
/// Appends are group commits: the hub hands over every broadcast waiting at that moment, they are written in one
/// transaction with <c>synchronous = FULL</c>, and only then do they get out as <c>said</c> — what a sender saw
/// confirmed survives <c>kill -9</c> and power cuts. A <c>seq</c> is used only by a stored entry, so a restart never hands
/// one out again. A batch that cannot be written (disk full, I/O error, another process holding the lock beyond
/// <see cref="RendezvousOptions.HistoryWriteTimeout"/>) is rolled back whole and reported to the caller.
/// </summary>
public sealed partial class SqliteBroadcastLog : IBroadcastLog
{
    // The newest entries, for welcomes and resyncs without a query.
    private const int TailCapacity = 4096;

    private readonly string _connectionString;
    private readonly TimeSpan _writeTimeout;
    private readonly ILogger<SqliteBroadcastLog> _logger;
    private readonly Said[] _tail = new Said[TailCapacity];
    private readonly Lock _gate = new();
    private SqliteConnection? _writer;
    private SqliteCommand? _begin;
    private SqliteCommand? _insert;
    private SqliteCommand? _commit;
    private SqliteCommand? _rollback;
    private long _lastSeq;
    private long _tailCount;
    private int _disposed;

    public SqliteBroadcastLog(string path, ILogger<SqliteBroadcastLog> logger)
        : this(path, TimeSpan.FromSeconds(2), logger)
    {
    }

    public SqliteBroadcastLog(string path, TimeSpan writeTimeout, ILogger<SqliteBroadcastLog> logger)
    {
        _logger = logger;
        _writeTimeout = writeTimeout;
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
        _writer = new SqliteConnection(_connectionString);
        await _writer.OpenAsync(cancellationToken).ConfigureAwait(false);
        var create = _writer.CreateCommand();
        await using (create.ConfigureAwait(false))
        {
            var command = create;
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = FULL;
                CREATE TABLE IF NOT EXISTS broadcasts (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NULL,
                    sender TEXT NOT NULL,
                    text TEXT NOT NULL,
                    at_ms INTEGER NOT NULL);
                """;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var select = _writer.CreateCommand();
        await using (select.ConfigureAwait(false))
        {
            var command = select;
            command.CommandText = "SELECT COALESCE(MAX(seq), 0) FROM broadcasts";
            _lastSeq = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0L);
        }

        // Microsoft.Data.Sqlite retries a busy database for CommandTimeout seconds (0 would be forever).
        var timeout = Math.Max(1, (int)Math.Ceiling(_writeTimeout.TotalSeconds));
        _begin = Command("BEGIN IMMEDIATE", timeout);
        _commit = Command("COMMIT", timeout);
        _rollback = Command("ROLLBACK", timeout);
        _insert = Command("INSERT INTO broadcasts (seq, id, sender, text, at_ms) VALUES ($seq, $id, $sender, $text, $at)", timeout);
        _insert.Parameters.Add("$seq", SqliteType.Integer);
        _insert.Parameters.Add("$id", SqliteType.Text);
        _insert.Parameters.Add("$sender", SqliteType.Text);
        _insert.Parameters.Add("$text", SqliteType.Text);
        _insert.Parameters.Add("$at", SqliteType.Integer);
        await FillTailAsync(cancellationToken).ConfigureAwait(false);
        LogOpened(IsInMemory ? ":memory:" : _writer.DataSource, _lastSeq);
    }

    public async ValueTask<IReadOnlyList<Said>> AppendAsync(IReadOnlyList<NewBroadcast> broadcasts, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_insert is null)
        {
            throw new InvalidOperationException("InitializeAsync first.");
        }

        if (broadcasts.Count == 0)
        {
            return [];
        }

        var stored = new Said[broadcasts.Count];
        var next = _lastSeq + 1;
        for (var i = 0; i < broadcasts.Count; i++)
        {
            var b = broadcasts[i];
            stored[i] = new Said(next + i, b.Id, b.From, b.Text, b.At);
        }

        var begun = false;
        try
        {
            await _begin!.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            begun = true;
            var p = _insert.Parameters;
            foreach (var said in stored)
            {
                p[0].Value = said.Seq;
                p[1].Value = (object?)said.Id ?? DBNull.Value;
                p[2].Value = said.From;
                p[3].Value = said.Text;
                p[4].Value = said.At.ToUnixTimeMilliseconds();
                await _insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await _commit!.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or InvalidOperationException)
        {
            if (begun)
            {
                await RollbackAsync().ConfigureAwait(false);
            }

            LogWriteFailed(ex, stored.Length, stored[0].Seq);
            throw new BroadcastLogUnavailableException($"The broadcast history could not be written: {ex.Message}", ex);
        }

        lock (_gate)
        {
            foreach (var said in stored)
            {
                _tail[said.Seq % TailCapacity] = said;
            }

            _tailCount = Math.Min(_tailCount + stored.Length, TailCapacity);
            Volatile.Write(ref _lastSeq, stored[^1].Seq);
        }

        return stored;
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
                full = !TryTake(ReadSaid(reader), newestFirst, ref bytes, maxBytes);
            }
        }

        newestFirst.Reverse();
        return new HistorySlice(newestFirst, count - newestFirst.Count);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var command in new[] { _begin, _insert, _commit, _rollback })
        {
            if (command is not null)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }
        }

        if (_writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
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

    private SqliteCommand Command(string text, int timeoutSeconds)
    {
        var command = _writer!.CreateCommand();
        command.CommandText = text;
        command.CommandTimeout = timeoutSeconds;
        return command;
    }

    private async Task RollbackAsync()
    {
        try
        {
            await _rollback!.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (SqliteException)
        {
            // SQLite rolled back already (a failed COMMIT, a full disk): nothing is left open.
        }
    }

    /// <summary>The newest stored entries into the tail, so that the first welcomes after a restart need no query.</summary>
    private async Task FillTailAsync(CancellationToken cancellationToken)
    {
        var command = _writer!.CreateCommand();
        await using var scope = command.ConfigureAwait(false);
        command.CommandText = "SELECT seq, id, sender, text, at_ms FROM broadcasts WHERE seq > $after ORDER BY seq";
        command.Parameters.AddWithValue("$after", _lastSeq - TailCapacity);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        lock (_gate)
        {
            _tailCount = 0;
        }

        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var said = ReadSaid(reader);
            lock (_gate)
            {
                _tail[said.Seq % TailCapacity] = said;
                _tailCount++;
            }
        }
    }

    private static Said ReadSaid(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        reader.IsDBNull(1) ? null : reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)));

    [LoggerMessage(1, LogLevel.Information, "Broadcast history opened at {Location}; last seq {LastSeq}")]
    private partial void LogOpened(string location, long lastSeq);

    [LoggerMessage(2, LogLevel.Error, "Could not store {Count} broadcasts from seq {FirstSeq}")]
    private partial void LogWriteFailed(Exception exception, int count, long firstSeq);

    [LoggerMessage(3, LogLevel.Information, "Broadcast history closed; last seq {LastSeq}")]
    private partial void LogClosed(long lastSeq);
}
