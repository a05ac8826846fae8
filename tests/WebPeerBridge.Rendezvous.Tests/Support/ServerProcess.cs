using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace WebPeerBridge.Rendezvous.Tests.Support;

/// <summary>
/// The rendezvous server as its own process (the build next to the tests), on a free loopback port, so that a test can
/// kill it with SIGKILL as a crash or power cut would, and start it again on the same history file.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];

    private ServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>Starts the server on <paramref name="historyPath"/> (and <paramref name="moreArguments"/>) and waits until it says it listens.</summary>
    public static async Task<ServerProcess> StartAsync(string historyPath, CancellationToken cancellationToken, int? port = null,
        IEnumerable<string>? moreArguments = null)
    {
        var chosen = port ?? LoopbackPorts.Restartable();
        var dll = Path.Combine(AppContext.BaseDirectory, "WebPeerBridge.Rendezvous.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { dll, "--port", chosen.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--history", historyPath }
            .Concat(moreArguments ?? []))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["Logging__LogLevel__Default"] = "Information";
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        var server = new ServerProcess(process, chosen);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server._listening.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>SIGKILL: no shutdown, no flush, nothing but what is on disk already.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _process.Dispose();
    }

    public override string ToString()
    {
        lock (_output)
        {
            return string.Join('\n', _output);
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        if (line.Contains("Rendezvous server listening on", StringComparison.Ordinal))
        {
            _listening.TrySetResult();
        }
    }

    /// <summary>Every broadcast stored in the history file at <paramref name="path"/>, by seq.</summary>
    public static async Task<List<(long Seq, string Text)>> ReadHistoryAsync(string path, CancellationToken cancellationToken)
    {
        var stored = new List<(long, string)>();
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, text FROM broadcasts ORDER BY seq";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            stored.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        return stored;
    }
}
