using System.Globalization;
using System.Net;
using WebPeerBridge.Load.Compare;
using WebPeerBridge.Load.Fanout;

namespace WebPeerBridge.Load.Cluster;

/// <summary>
/// The same fan-out scenario three times, each against fresh child processes on free loopback ports: one embedded node
/// (SQLite file), one node on NATS JetStream, and two nodes on NATS JetStream with the clients spread over both (the
/// senders on different nodes). The first two give the extra latency of the stream; the last what a second node does.
/// </summary>
internal sealed class ClusterBenchRunner(ClusterBenchOptions options, TextWriter output)
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The <c>cluster</c> subcommand: reads its options, runs, returns the exit code (2 when a run lost clients or messages).</summary>
    public static async Task<int> RunFromCommandLineAsync(Cli.ArgReader arguments, CancellationToken cancellationToken)
    {
        var defaults = new ClusterBenchOptions { Scenario = Usage.ReadScenario(arguments) };
        var options = defaults with
        {
            RendezvousDll = arguments.String("rendezvous-dll", defaults.RendezvousDll),
            NatsServer = arguments.String("nats-server", defaults.NatsServer),
        };
        arguments.ThrowIfUnknown();
        var results = await new ClusterBenchRunner(options, Console.Out).RunAsync(cancellationToken).ConfigureAwait(false);
        return results.All(r => r.Result.ReadyClients == r.Result.Clients && r.Result.Phases.All(p => p.AllDelivered)) ? 0 : 2;
    }

    public async Task<IReadOnlyList<(string Setup, FanoutResult Result)>> RunAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(options.RendezvousDll))
        {
            throw new FileNotFoundException("The rendezvous server is not built; pass --rendezvous-dll.", options.RendezvousDll);
        }

        Directory.CreateDirectory(options.WorkDirectory);
        var results = new List<(string, FanoutResult)>();
        var history = Path.Combine(options.WorkDirectory, $"history-{Guid.NewGuid():N}.db");
        var embedded = await StartNodeAsync("embedded", ["--history", history], cancellationToken).ConfigureAwait(false);
        await using (embedded.ConfigureAwait(false))
        {
            results.Add(("1 node, embedded (SQLite)", await RunScenarioAsync(embedded, [], cancellationToken).ConfigureAwait(false)));
        }

        foreach (var nodes in new[] { 1, 2 })
        {
            var nats = await StartNatsAsync(cancellationToken).ConfigureAwait(false);
            await using var natsScope = nats.ConfigureAwait(false);
            var started = new List<Node>();
            try
            {
                for (var i = 1; i <= nodes; i++)
                {
                    started.Add(await StartNodeAsync($"node-{i}", ["--nats", nats.Url, "--node", $"node-{i}"], cancellationToken).ConfigureAwait(false));
                }

                var setup = nodes == 1 ? "1 node, NATS JetStream" : "2 nodes, NATS JetStream, clients spread";
                results.Add((setup, await RunScenarioAsync(started[0], [.. started.Skip(1).Select(n => n.Port)], cancellationToken).ConfigureAwait(false)));
            }
            finally
            {
                foreach (var node in started)
                {
                    await node.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        output.WriteLine();
        Write(output, options.Scenario, results);
        return results;
    }

    public static void Write(TextWriter output, FanoutOptions scenario, IReadOnlyList<(string Setup, FanoutResult Result)> results)
    {
        output.WriteLine($"{scenario.Clients:N0} clients, {scenario.Senders} senders x {scenario.Messages} broadcasts, window {scenario.Window}, {Environment.ProcessorCount} cores");
        output.WriteLine("| setup | ready | join storm | rate | deliveries/s | p50 | p99 | all delivered |");
        output.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var (setup, result) in results)
        {
            foreach (var phase in result.Phases)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {setup} | {result.ReadyClients}/{result.Clients} | {result.JoinStorm.TotalMilliseconds:N0} ms | {FanoutRunner.Describe(phase.Rate)} | {phase.DeliveredPerSecond:N0} | {phase.Latency.P50:0.00} ms | {phase.Latency.P99:0.00} ms | {(phase.AllDelivered ? "yes" : "no")} |"));
            }
        }
    }

    private Task<FanoutResult> RunScenarioAsync(Node first, IReadOnlyList<int> morePorts, CancellationToken cancellationToken)
    {
        var scenario = options.Scenario with { Target = TargetKind.Wpb, Host = "127.0.0.1", Port = first.Port, MorePorts = morePorts, ServerPid = first.Process.Pid };
        return new FanoutRunner(scenario, output).RunAsync(cancellationToken);
    }

    private async Task<Node> StartNodeAsync(string name, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var port = ComparisonRunner.FreePort();
        // Warnings only: a thousand "registered" lines on the console would measure the console, not the server.
        var process = ChildProcess.Start(ComparisonRunner.DotnetHost(),
            [options.RendezvousDll, "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--trust", "127.0.0.1", .. arguments],
            Path.Combine(options.WorkDirectory, name + ".log"),
            new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" }, Path.GetDirectoryName(options.RendezvousDll));
        output.WriteLine($"[{name}] pid {process.Pid}, port {port}, log {process.LogPath}");
        await process.WaitUntilListeningAsync(new IPEndPoint(IPAddress.Loopback, port), s_startTimeout, cancellationToken).ConfigureAwait(false);
        return new Node(process, port);
    }

    private async Task<NatsProcess> StartNatsAsync(CancellationToken cancellationToken)
    {
        var port = ComparisonRunner.FreePort();
        var store = Path.Combine(options.WorkDirectory, $"nats-{Guid.NewGuid():N}");
        var process = ChildProcess.Start(options.NatsServer, ["-js", "-a", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-sd", store],
            Path.Combine(options.WorkDirectory, "nats.log"));
        await process.WaitUntilListeningAsync(new IPEndPoint(IPAddress.Loopback, port), s_startTimeout, cancellationToken).ConfigureAwait(false);
        return new NatsProcess(process, $"nats://127.0.0.1:{port}", store);
    }

    private sealed record Node(ChildProcess Process, int Port) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Process.DisposeAsync();
    }

    private sealed record NatsProcess(ChildProcess Process, string Url, string Store) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Process.DisposeAsync().ConfigureAwait(false);
            Directory.Delete(Store, recursive: true);
        }
    }
}
