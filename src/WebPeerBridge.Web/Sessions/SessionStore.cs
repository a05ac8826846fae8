using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;
using WebPeerBridge.Peer.Persistence;

namespace WebPeerBridge.Web.Sessions;

/// <summary>
/// The browser sessions as they were, in <c>sessions.db</c> in the data folder (SQLite), so that a bridge restart
/// comes back to them: each session's id, last name, drafts and, once joined, its agent's snapshot (identity with its
/// private key, resume token, last broadcast, conversations and unread counts). The folder is made readable by the
/// bridge's user only.
/// </summary>
internal sealed class SessionStore
{
    private readonly string _connectionString;
    private readonly string _directory;

    public SessionStore(string dataPath)
    {
        _directory = System.IO.Path.GetFullPath(dataPath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = System.IO.Path.Combine(_directory, "sessions.db"),
            Pooling = false,
        }.ToString();
    }

    /// <summary>The sessions.db file.</summary>
    public string FilePath => System.IO.Path.Combine(_directory, "sessions.db");

    /// <summary>Every stored session; none when there is no file yet.</summary>
    public async Task<IReadOnlyList<StoredSession>> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(FilePath))
        {
            return [];
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT json FROM sessions";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var sessions = new List<StoredSession>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (JsonSerializer.Deserialize(reader.GetString(0), SessionJson.Default.StoredSession) is { } session)
            {
                sessions.Add(session);
            }
        }

        return sessions;
    }

    /// <summary>Replaces what is stored by <paramref name="sessions"/>, in one transaction.</summary>
    public async Task SaveAllAsync(IReadOnlyList<StoredSession> sessions, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var clear = connection.CreateCommand())
        {
            clear.Transaction = transaction;
            clear.CommandText = "DELETE FROM sessions";
            await clear.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO sessions (id, json) VALUES ($id, $json)";
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var json = insert.Parameters.Add("$json", SqliteType.Text);
        foreach (var session in sessions)
        {
            id.Value = session.Id;
            json.Value = JsonSerializer.Serialize(session, SessionJson.Default.StoredSession);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_directory))
        {
            var created = Directory.CreateDirectory(_directory);
            if (!OperatingSystem.IsWindows())
            {
                // The agents' private keys are in here.
                created.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            }
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var create = connection.CreateCommand();
            create.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, json TEXT NOT NULL);
                """;
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}

/// <summary>One session as stored: its cookie id, the name last used, its drafts, and its agent's snapshot once joined.</summary>
internal sealed record StoredSession(string Id, string? LastName, Dictionary<string, string> Drafts, AgentSnapshot? Agent);

[JsonSerializable(typeof(StoredSession))]
[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
internal sealed partial class SessionJson : JsonSerializerContext;
