using System.Net;
using System.Net.Sockets;
using WebPeerBridge.Load.Agents;
using WebPeerBridge.Load.Fanout;

namespace WebPeerBridge.Load.Compare;

/// <summary>
/// Starts each server as a child process on a free loopback port (the raw relay, our rendezvous server, InspIRCd), runs the
/// same fan-out scenario against it with its pid for memory and CPU, stops it, and prints one table with ratios to the relay.
/// </summary>
internal sealed class ComparisonRunner(ComparisonOptions options, TextWriter output)
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);

    public async Task<IReadOnlyList<FanoutResult>> RunAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.WorkDirectory);
        var loadBefore = LoadAverage();
        var results = new List<FanoutResult>();
        AgentsResult? agents = null;
        foreach (var target in options.Targets)
        {
            var port = FreePort();
            var server = StartServer(target, port);
            await using var serverScope = server.ConfigureAwait(false);
            output.WriteLine($"[{target}] server pid {server.Pid}, log {server.LogPath}");
            await server.WaitUntilListeningAsync(new IPEndPoint(IPAddress.Loopback, port), s_startTimeout, cancellationToken).ConfigureAwait(false);
            var scenario = options.Scenario with { Target = target, Host = "127.0.0.1", Port = port, ServerPid = server.Pid };
            results.Add(await new FanoutRunner(scenario, output).RunAsync(cancellationToken).ConfigureAwait(false));

            if (target == TargetKind.Wpb && options.Agents > 0)
            {
                agents = await new AgentsRunner(new AgentsOptions { Port = port, Count = options.Agents }, output)
                    .RunAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        output.WriteLine();
        output.WriteLine($"Machine load average (1, 5, 15 min) before: {loadBefore}; after: {LoadAverage()}; {Environment.ProcessorCount} cores.");
        Report.WriteComparison(output, options.Scenario, results);
        output.WriteLine();
        TargetReport.Write(output, results);
        if (agents is not null)
        {
            output.WriteLine();
            Report.WriteAgents(output, agents);
        }

        return results;
    }

    private ChildProcess StartServer(TargetKind target, int port)
    {
        var log = Path.Combine(options.WorkDirectory, $"{target.ToString().ToLowerInvariant()}.log");
        var portText = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        switch (target)
        {
            case TargetKind.Wpb or TargetKind.WpbFile:
                if (!File.Exists(options.RendezvousDll))
                {
                    throw new FileNotFoundException("The rendezvous server is not built; pass --rendezvous-dll.", options.RendezvousDll);
                }

                // Warnings only: a thousand "registered" lines on the console would measure the console, not the server.
                return ChildProcess.Start(DotnetHost(), [options.RendezvousDll, "--port", portText, "--bind", "127.0.0.1", "--history", HistoryFor(target, portText), "--trust", "127.0.0.1"], log,
                    new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" }, Path.GetDirectoryName(options.RendezvousDll));
            case TargetKind.Relay:
                var self = Environment.ProcessPath ?? DotnetHost();
                IEnumerable<string> args = Path.GetFileNameWithoutExtension(self) == "dotnet"
                    ? [typeof(ComparisonRunner).Assembly.Location, "relay", "--port", portText]
                    : ["relay", "--port", portText];
                return ChildProcess.Start(self, args, log);
            case TargetKind.Irc:
                if (!File.Exists(options.InspircdPath))
                {
                    throw new FileNotFoundException("InspIRCd is not installed: apt-get install -y inspircd", options.InspircdPath);
                }

                var config = InspircdConfig.Write(Path.Combine(options.WorkDirectory, "inspircd"), port);
                return ChildProcess.Start(options.InspircdPath, ["--nofork", "--nopid", "--runasroot", "--config", config], log);
            default:
                throw new ArgumentOutOfRangeException(nameof(target));
        }
    }

    /// <summary><c>:memory:</c>, or a new history file in the work directory (with its name holds beside it).</summary>
    private string HistoryFor(TargetKind target, string port)
    {
        if (target == TargetKind.Wpb)
        {
            return ":memory:";
        }

        var path = Path.Combine(options.WorkDirectory, $"history-{port}.db");
        foreach (var stale in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(stale);
        }

        return path;
    }

    // Other work on the machine skews every figure: the report states it.
    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    internal static string DotnetHost() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    internal static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
