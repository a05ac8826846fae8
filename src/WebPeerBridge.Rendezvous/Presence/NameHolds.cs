using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using WebPeerBridge.Protocol.Validation;

namespace WebPeerBridge.Rendezvous.Presence;

/// <summary>
/// Names kept for their owners (DESIGN.md, names cannot be stolen): the resume token of every v1 name online, and the
/// names whose connection dropped without <c>bye</c>, held for <see cref="RendezvousOptions.NameHoldTime"/> for that token.
/// Changes are kept in memory at once and written by <see cref="SaveAsync"/> in one transaction beside the history, so
/// that holds and tokens outlive a crash or restart: at start, every name that was online or held is held again.
/// Used by the hub's loop only.
/// </summary>
internal sealed partial class NameHolds : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly TimeSpan _holdTime;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    // Keyed by the confusable skeleton, like the hub's members: a lookalike of a held name is held too.
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Entry?> _unsaved = new(StringComparer.Ordinal);
    private SqliteConnection? _connection;

    public NameHolds(string historyPath, TimeSpan holdTime, TimeProvider time, ILogger logger)
    {
        _connectionString = historyPath is ":memory:" or ""
            ? new SqliteConnectionStringBuilder { DataSource = ":memory:" }.ToString()
            : new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(historyPath), Pooling = false }.ToString();
        _holdTime = holdTime;
        _time = time;
        _logger = logger;
    }

    /// <summary>Opens the table beside the history and holds again every name that was online or held.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        _connection = new SqliteConnection(_connectionString);
        await _connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var create = _connection.CreateCommand();
        await using (create.ConfigureAwait(false))
        {
            create.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS names (
                    key TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    token TEXT NOT NULL,
                    held_until_ms INTEGER NULL);
                DELETE FROM names WHERE held_until_ms IS NOT NULL AND held_until_ms <= $now;
                """;
            create.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var select = _connection.CreateCommand();
        await using (select.ConfigureAwait(false))
        {
            select.CommandText = "SELECT name, token, held_until_ms FROM names";
            var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    // Online when the server went away: its owner gets the whole hold time from now to come back.
                    var until = reader.IsDBNull(2) ? now + _holdTime : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2));
                    var entry = new Entry(reader.GetString(0), reader.GetString(1), until);
                    _entries[NameSkeletons.Key(entry.Name)] = entry;
                    _unsaved[NameSkeletons.Key(entry.Name)] = entry;
                }
            }
        }

        await SaveAsync(cancellationToken).ConfigureAwait(false);
        LogLoaded(_entries.Count);
    }

    /// <summary>The token <paramref name="name"/> is held for, if it is held (not online, dropped without bye, not expired).</summary>
    public bool TryGetHold(string name, out string token)
    {
        if (_entries.TryGetValue(NameSkeletons.Key(name), out var entry) && entry.HeldUntil is { } until)
        {
            if (until > _time.GetUtcNow())
            {
                token = entry.Token;
                return true;
            }

            Forget(name);
        }

        token = "";
        return false;
    }

    /// <summary><paramref name="name"/> is online with <paramref name="token"/> (kept for a restart).</summary>
    public void Online(string name, string token) => Set(new Entry(name, token, HeldUntil: null));

    /// <summary><paramref name="name"/> dropped without bye: held for its token for the hold time.</summary>
    public void Hold(string name, string token) => Set(new Entry(name, token, _time.GetUtcNow() + _holdTime));

    /// <summary><paramref name="name"/> said bye (or was never resumable): free at once.</summary>
    public void Forget(string name)
    {
        var key = NameSkeletons.Key(name);
        if (_entries.Remove(key))
        {
            _unsaved[key] = null;
        }
    }

    /// <summary>Writes the changes since the last save in one transaction. A failed write is logged and tried again next time.</summary>
    public async ValueTask SaveAsync(CancellationToken cancellationToken)
    {
        if (_unsaved.Count == 0 || _connection is null)
        {
            return;
        }

        try
        {
            var transaction = (SqliteTransaction)await _connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                foreach (var (key, entry) in _unsaved)
                {
                    var command = _connection.CreateCommand();
                    await using (command.ConfigureAwait(false))
                    {
                        command.Transaction = transaction;
                        command.Parameters.AddWithValue("$key", key);
                        if (entry is null)
                        {
                            command.CommandText = "DELETE FROM names WHERE key = $key";
                        }
                        else
                        {
                            command.CommandText = "INSERT OR REPLACE INTO names (key, name, token, held_until_ms) VALUES ($key, $name, $token, $until)";
                            command.Parameters.AddWithValue("$name", entry.Name);
                            command.Parameters.AddWithValue("$token", entry.Token);
                            command.Parameters.AddWithValue("$until", (object?)entry.HeldUntil?.ToUnixTimeMilliseconds() ?? DBNull.Value);
                        }

                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            _unsaved.Clear();
        }
        catch (SqliteException ex)
        {
            LogSaveFailed(ex, _unsaved.Count);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await SaveAsync(CancellationToken.None).ConfigureAwait(false);
            await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }
    }

    private void Set(Entry entry)
    {
        var key = NameSkeletons.Key(entry.Name);
        _entries[key] = entry;
        _unsaved[key] = entry;
    }

    private sealed record Entry(string Name, string Token, DateTimeOffset? HeldUntil);

    [LoggerMessage(1, LogLevel.Information, "Name holds loaded: {Count} names kept for their owners")]
    private partial void LogLoaded(int count);

    [LoggerMessage(2, LogLevel.Error, "Could not store {Count} name holds; trying again with the next change")]
    private partial void LogSaveFailed(Exception exception, int count);
}
