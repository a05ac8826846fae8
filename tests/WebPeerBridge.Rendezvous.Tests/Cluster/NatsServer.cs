using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

// Also compiled into the Peer tests (linked), so it depends on nothing else of this project.
namespace WebPeerBridge.Rendezvous.Tests.Cluster;

/// <summary>
/// A real <c>nats-server -js</c> (Debian's package; scripts/test.sh installs it) on a free loopback port with its own store
/// folder, stopped by its PID. <see cref="KillAsync"/> and <see cref="StartAgainAsync"/> restart it on the same port and store.
/// </summary>
internal sealed class NatsServer : IAsyncDisposable
{
    private readonly string _storeDirectory;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Lock _gate = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _waiters = [];
    private Process? _process;

    private NatsServer(int port, string storeDirectory)
    {
        Port = port;
        _storeDirectory = storeDirectory;
    }

    public int Port { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    public static async Task<NatsServer> StartAsync(CancellationToken cancellationToken)
    {
        var server = Reserve();
        await server.StartAgainAsync(cancellationToken);
        return server;
    }

    /// <summary>A free port and a store folder, no server yet: <see cref="StartAgainAsync"/> starts it.</summary>
    public static NatsServer Reserve()
    {
        var store = Path.Combine(Path.GetTempPath(), "wpb-nats-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(store);
        return new NatsServer(Support.LoopbackPorts.Restartable(), store);
    }

    /// <summary>
    /// Starts the server (again) and waits until it accepts connections. Without JetStream it traces every message instead
    /// (<see cref="WaitForOutputAsync"/> sees what clients ask), and JetStream's API has no responders.
    /// </summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken, bool jetStream = true)
    {
        var info = new ProcessStartInfo("nats-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { jetStream ? "-js" : "-V", "-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-sd", _storeDirectory })
        {
            info.ArgumentList.Add(argument);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Process.Start(info) ?? throw new InvalidOperationException("nats-server did not start.");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not { } line)
            {
                return;
            }

            Seen(line);
            if (line.Contains("Server is ready", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;
        await Task.WhenAny(ready.Task, process.WaitForExitAsync(cancellationToken)).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        Assert.True(ready.Task.IsCompleted, "nats-server did not get ready (is the nats-server package installed?)");
    }

    /// <summary>Completes once a line of the server's output (of any start) contains <paramref name="text"/>.</summary>
    public Task WaitForOutputAsync(string text, CancellationToken cancellationToken)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_output.Any(line => line.Contains(text, StringComparison.Ordinal)))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((text, seen));
        }

        return seen.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
    }

    private void Seen(string line)
    {
        lock (_gate)
        {
            _output.Enqueue(line);
            foreach (var waiter in _waiters.Where(w => line.Contains(w.Text, StringComparison.Ordinal)).ToList())
            {
                waiter.Seen.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>SIGKILL: what JetStream acknowledged is in its store files already.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: false);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>
    /// SIGSTOP: the server keeps its connections open but answers nothing (a hung or unreachable server) until
    /// <see cref="ResumeAsync"/>. Returns once every thread of it is stopped: a thread that is running when the signal is
    /// sent goes on for a moment (answering what came in meanwhile).
    /// </summary>
    public async Task PauseAsync()
    {
        await SignalAsync("-STOP");
        var tasks = $"/proc/{_process!.Id}/task";
        var deadline = Stopwatch.StartNew();
        // The kernel tells no one when a process has stopped (only its parent, which is not this process, could wait for
        // it): its threads' states are read until each says stopped.
        while (!Directory.EnumerateDirectories(tasks).All(IsStopped))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "nats-server did not stop on SIGSTOP.");
            await Task.Delay(TimeSpan.FromMilliseconds(1));
        }

        static bool IsStopped(string task)
        {
            try
            {
                // "pid (comm) S …": the state follows the last ')'.
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                return stat[(stat.LastIndexOf(')') + 2)] is 'T' or 't';
            }
            catch (IOException)
            {
                return true; // a thread that ended meanwhile
            }
        }
    }

    /// <summary>SIGCONT: the paused server reads what waited on its connections and answers again.</summary>
    public Task ResumeAsync() => SignalAsync("-CONT");

    private async Task SignalAsync(string signal)
    {
        var pid = (_process ?? throw new InvalidOperationException("nats-server is not running.")).Id;
        using var kill = Process.Start(new ProcessStartInfo("kill", [signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("kill did not start.");
        await kill.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, kill.ExitCode);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(_storeDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A straggling file; the temp folder is cleaned some day.
        }
    }
}
