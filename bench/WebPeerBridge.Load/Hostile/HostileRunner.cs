using System.Diagnostics;
using System.Globalization;
using System.Net;
using WebPeerBridge.Load.Compare;
using WebPeerBridge.Load.Fanout;
using WebPeerBridge.Load.Stats;

namespace WebPeerBridge.Load.Hostile;

/// <summary>
/// The hostile-load run: the rendezvous server, a terminal peer (demo mode) and the web app, each a fresh child
/// process on loopback; honest clients chat from their own addresses (broadcasts, a dm round trip to the terminal peer,
/// page loads) while one attacking address floods all three at once. Prints memory before, at the peak and after, CPU
/// during the floods, the honest latencies and whether any honest client was dropped.
/// </summary>
internal sealed class HostileRunner(HostileOptions options, TextWriter progress)
{
    private const int Senders = 2;
    private const int Padding = 48;

    public async Task<HostileResult> RunAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.WorkDirectory);
        int[] ports = options.BasePort == 0 ? FreePorts(3) : [options.BasePort, options.BasePort + 1, options.BasePort + 2];
        foreach (var port in ports)
        {
            EnsureFree(port);
        }

        var (rendezvousPort, peerPort, webPort) = (ports[0], ports[1], ports[2]);

        var server = new IPEndPoint(IPAddress.Loopback, rendezvousPort);
        var peer = new IPEndPoint(IPAddress.Loopback, peerPort);
        var web = new Uri($"http://127.0.0.1:{webPort}");

        var rendezvous = Start("rendezvous", [options.RendezvousDll, "--port", Text(rendezvousPort), "--bind", "127.0.0.1", "--history", ":memory:"], []);
        await using var rendezvousScope = rendezvous.ConfigureAwait(false);
        await rendezvous.WaitUntilListeningAsync(server, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        var terminal = Start("terminal-peer",
            [options.CliDll, "--name", "terry", "--server", $"127.0.0.1:{rendezvousPort}", "--bind", "127.0.0.1", "--port-range", $"{peerPort}-{peerPort}", "--demo"], []);
        await using var terminalScope = terminal.ConfigureAwait(false);
        await terminal.WaitUntilListeningAsync(peer, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        var webData = Path.Combine(options.WorkDirectory, "web-data");
        var webApp = Start("web", [options.WebDll, "--urls", web.ToString()], new Dictionary<string, string>
        {
            ["Rendezvous__Host"] = "127.0.0.1",
            ["Rendezvous__Port"] = Text(rendezvousPort),
            ["Bridge__DataPath"] = webData,
            ["Bridge__PersistSessions"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
        });
        await using var webScope = webApp.ConfigureAwait(false);
        await webApp.WaitUntilListeningAsync(new IPEndPoint(IPAddress.Loopback, webPort), TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);

        var processes = new[]
        {
            new ProcessFigures("rendezvous server", rendezvous.Pid),
            new ProcessFigures("terminal peer", terminal.Pid),
            new ProcessFigures("web app", webApp.Pid),
        };

        var dialect = TargetDialect.For(TargetKind.Wpb);
        var honest = new List<LoadClient>(options.HonestClients);
        var direct = new HonestDirect();
        await using var directScope = direct.ConfigureAwait(false);
        using var pages = new HonestPages(IPAddress.Parse("127.0.2.2"), web);
        try
        {
            for (var i = 0; i < options.HonestClients; i++)
            {
                var client = new LoadClient(i, dialect);
                honest.Add(client);
                await client.ConnectAsync(server, cancellationToken, HonestAddress(i)).ConfigureAwait(false);
            }

            await Task.WhenAll(honest.Select(c => c.Ready)).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            await direct.StartAsync(IPAddress.Parse("127.0.2.1"), server, peer, cancellationToken).ConfigureAwait(false);
            var keepalive = new KeepaliveLoop(honest, dialect.Keepalive, TimeSpan.FromSeconds(15));
            await using var keepaliveScope = keepalive.ConfigureAwait(false);
            progress.WriteLine($"[hostile] {honest.Count} honest clients, a dm peer and a browser ready; floods from {options.Attacker} for {options.Flood.TotalSeconds:N0} s");

            // A first page load warms the web app, so that "before" is a running app, not a cold one.
            using (var warm = Floods.HttpFrom(IPAddress.Parse("127.0.2.3"), web, 1))
            {
                (await warm.GetAsync(new Uri("/", UriKind.Relative), cancellationToken).ConfigureAwait(false)).Dispose();
            }

            var loadBefore = LoadAverage();
            foreach (var process in processes)
            {
                process.MarkBefore();
            }

            var messages = (int)Math.Max(1, options.HonestRate / Senders * options.Flood.TotalSeconds);
            var floods = NewFloodCounts();
            var recorders = new List<PhaseRecorder>();
            using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var sampler = SampleAsync(processes, sampling.Token);
            for (var round = 1; round <= options.Rounds; round++)
            {
                var roundRecorders = honest.Select(c => c.BeginPhase(Senders * messages, Senders)).ToArray();
                recorders.AddRange(roundRecorders);
                foreach (var process in processes)
                {
                    process.MarkRoundStart();
                }

                using (var flood = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    flood.CancelAfter(options.Flood);
                    var running = new List<Task>
                    {
                        BroadcastAsync(honest, dialect, messages, options.Flood, cancellationToken),
                        direct.ChatAsync(TimeSpan.FromMilliseconds(200), flood.Token),
                        pages.LoadAsync(TimeSpan.FromSeconds(1), flood.Token),
                    };
                    running.AddRange(StartFloods(floods, server, peer, web, flood.Token));
                    await Task.WhenAll(running).ConfigureAwait(false);
                }

                await WaitDeliveredAsync(roundRecorders, TimeSpan.FromSeconds(15), cancellationToken).ConfigureAwait(false);
                foreach (var process in processes)
                {
                    process.MarkFloodsOver();
                }

                progress.WriteLine($"[hostile] round {round} of floods over; settling {options.Settle.TotalSeconds:N0} s");
                await Task.Delay(options.Settle, cancellationToken).ConfigureAwait(false);
                foreach (var process in processes)
                {
                    process.MarkSettled();
                }
            }

            await sampling.CancelAsync().ConfigureAwait(false);
            await sampler.ConfigureAwait(false);

            var latencies = recorders.SelectMany(r => r.Latencies.ToArray()).ToArray();
            return new HostileResult(processes, floods, honest.Count, honest.Count(c => c.Closed || c.Error is not null),
                recorders.Sum(r => (long)r.Expected), recorders.Sum(r => (long)r.Count), recorders.Sum(r => (long)r.OutOfOrder),
                LatencySummary.FromTicks(latencies), LatencySummary.FromTicks(direct.RoundTrips), direct.Failures, direct.Error,
                LatencySummary.FromTicks(pages.Loads), pages.Refused, loadBefore, LoadAverage());
        }
        finally
        {
            foreach (var client in honest)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private FloodCount[] NewFloodCounts() =>
    [
        new("rendezvous", "seed registrations named x (connect, register, close)"),
        new("rendezvous", $"silent connections held (up to {options.HeldConnections})"),
        new("rendezvous", "1 MiB frames"),
        new("terminal peer", "to_peer: + 4,000 characters (connect, send, close)"),
        new("terminal peer", $"silent connections held (up to {options.HeldConnections})"),
        new("web app", "page loads (GET /)"),
        new("web app", "circuit negotiations (POST /_blazor/negotiate)"),
        new("web app", $"idle connections held (up to {options.HeldConnections})"),
    ];

    private IEnumerable<Task> StartFloods(FloodCount[] counts, IPEndPoint server, IPEndPoint peer, Uri web, CancellationToken until)
    {
        var from = options.Attacker;
        var http = Floods.HttpFrom(from, web, options.Workers);
        var webEndpoint = new IPEndPoint(IPAddress.Loopback, web.Port);
        return
        [
            Floods.SeedRegistrationsAsync(from, server, options.Workers, counts[0], until),
            Floods.HeldConnectionsAsync(from, server, options.HeldConnections, counts[1], until),
            Floods.OversizedFramesAsync(from, server, counts[2], until),
            Floods.ToPeerLinesAsync(from, peer, options.Workers, counts[3], until),
            Floods.HeldConnectionsAsync(from, peer, options.HeldConnections, counts[4], until),
            Floods.HttpRequestsAsync(http, "/", post: false, options.Workers, counts[5], until),
            Floods.HttpRequestsAsync(http, "/_blazor/negotiate?negotiateVersion=1", post: true, Math.Max(1, options.Workers / 4), counts[6], until),
            Floods.HeldConnectionsAsync(from, webEndpoint, options.HeldConnections, counts[7], until),
            Task.Run(async () =>
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, until).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }

                http.Dispose();
            }, CancellationToken.None),
        ];
    }

    // Two senders, paced over the flood: sender s sends its number n at start + n / (rate / 2).
    private static async Task BroadcastAsync(List<LoadClient> clients, TargetDialect dialect, int messages, TimeSpan duration, CancellationToken cancellationToken)
    {
        var gap = duration / messages;
        var started = Stopwatch.GetTimestamp();
        var buffer = new byte[512];
        for (var n = 0; n < messages; n++)
        {
            var due = gap * n - Stopwatch.GetElapsedTime(started);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, cancellationToken).ConfigureAwait(false);
            }

            for (var sender = 0; sender < Senders; sender++)
            {
                var length = dialect.WriteBroadcast(buffer, sender, n, Stopwatch.GetTimestamp(), Padding);
                try
                {
                    await clients[sender].SendAsync(buffer.AsMemory(0, length).ToArray(), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
                {
                    // A dropped sender shows in the counts.
                }
            }
        }
    }

    private static async Task WaitDeliveredAsync(PhaseRecorder[] recorders, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (recorders.Any(r => r.Count < r.Expected) && Stopwatch.GetTimestamp() < deadline)
        {
            // A tool's wait, bounded: the honest receivers' counters are polled, nothing waits for a fixed time.
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task SampleAsync(ProcessFigures[] processes, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var process in processes)
                {
                    process.Sample();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private ChildProcess Start(string name, IEnumerable<string> args, Dictionary<string, string> environment)
    {
        var dll = args.First();
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{name} is not built (dotnet build -c Release); or pass its path.", dll);
        }

        environment.TryAdd("Logging__LogLevel__Default", "Warning");
        return ChildProcess.Start(DotnetHost(), args, Path.Combine(options.WorkDirectory, name + ".log"), environment, Path.GetDirectoryName(dll));
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    // A program still listening there from an earlier run would be measured instead of the fresh child.
    private static void EnsureFree(int port)
    {
        var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, port);
        try
        {
            probe.Start();
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            throw new InvalidOperationException($"Port {port} is in use ({ex.SocketErrorCode}): pass another --base-port.", ex);
        }
        finally
        {
            probe.Stop();
        }
    }

    // One loopback address per honest host: 127.0.1.1, 127.0.1.2, …
    private static IPAddress HonestAddress(int index) => new([127, 0, (byte)(1 + (index / 250)), (byte)(1 + (index % 250))]);

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string DotnetHost() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
}
