using System.Net;
using System.Runtime.InteropServices;
using WebPeerBridge.Load;
using WebPeerBridge.Load.Agents;
using WebPeerBridge.Load.Circuits;
using WebPeerBridge.Load.Cli;
using WebPeerBridge.Load.Compare;
using WebPeerBridge.Load.Fanout;
using WebPeerBridge.Load.Hostile;
using WebPeerBridge.Load.Relay;

// Every subcommand is bounded in count and time and stops by itself; all traffic stays on loopback.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

// kill PID (SIGTERM) stops the tool as Ctrl+C does: the servers and web apps it started are stopped on the way out.
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancel.Cancel();
});

if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
{
    Console.WriteLine(Usage.Text);
    return args.Length == 0 ? 1 : 0;
}

try
{
    var options = new ArgReader(args.Skip(1));
    switch (args[0])
    {
        case "fanout":
        {
            var scenario = Usage.ReadScenario(options) with
            {
                Target = Enum.Parse<TargetKind>(options.String("target", "wpb"), ignoreCase: true),
                Host = Usage.Loopback(options.String("host", "127.0.0.1")),
                Port = options.Int("port", 1234),
                ServerPid = options.OptionalInt("server-pid"),
            };
            options.ThrowIfUnknown();
            var result = await new FanoutRunner(scenario, Console.Out).RunAsync(cancel.Token).ConfigureAwait(false);
            Console.WriteLine();
            Report.WriteFanout(Console.Out, scenario, result);
            return result.ReadyClients == result.Clients && result.Phases.All(p => p.AllDelivered) ? 0 : 2;
        }

        case "relay":
        {
            var port = options.Int("port", 1235);
            var bind = Usage.Loopback(options.String("bind", "127.0.0.1"));
            var lifetime = options.Seconds("max-seconds", 3600);
            options.ThrowIfUnknown();
            var relay = new RawRelayServer();
            await using var relayScope = relay.ConfigureAwait(false);
            var endpoint = relay.Start(new IPEndPoint(IPAddress.Parse(bind), port));
            Console.WriteLine($"raw relay listening on {endpoint}; stops after {lifetime.TotalSeconds:N0} s or Ctrl+C");
            try
            {
                await Task.Delay(lifetime, cancel.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            return 0;
        }

        case "agents":
        {
            var server = options.String("server", "127.0.0.1:1234");
            var endpoint = IPEndPoint.Parse(server);
            var agentOptions = new AgentsOptions
            {
                Host = Usage.Loopback(endpoint.Address.ToString()),
                Port = endpoint.Port,
                Count = options.Int("count", 200),
                Pairs = options.Int("pairs", 10),
                RoundTrips = options.Int("round-trips", 200),
                PeerPortMin = options.Int("peer-port-min", 42000),
                Timeout = options.Seconds("timeout", 180),
                Settle = options.Seconds("settle", 1),
                PlainLinks = options.String("links", "tls") switch
                {
                    "tls" => false,
                    "plain" => true,
                    var other => throw new ArgumentException($"--links is tls or plain, not '{other}'."),
                },
            };
            options.ThrowIfUnknown();
            var result = await new AgentsRunner(agentOptions, Console.Out).RunAsync(cancel.Token).ConfigureAwait(false);
            Console.WriteLine();
            Report.WriteAgents(Console.Out, result);
            return result.Unavailable is null && result.Started == result.Count ? 0 : 2;
        }

        case "cluster":
            return await WebPeerBridge.Load.Cluster.ClusterBenchRunner.RunFromCommandLineAsync(options, cancel.Token).ConfigureAwait(false);
        case "circuits":
        {
            var circuits = CircuitsCommand.Parse(options);
            var results = await new CircuitsRunner(circuits, Console.Out).RunAsync(cancel.Token).ConfigureAwait(false);
            Console.WriteLine();
            CircuitsResult.WriteTable(Console.Out, results);
            return 0;
        }

        case "all":
        {
            var comparison = new ComparisonOptions
            {
                // Issue 14's figures: join storm, a burst of 4 x 500 to every client, paced 200 and 800 broadcasts/s in.
                Scenario = Usage.ReadScenario(options, new FanoutOptions { Senders = 4, Messages = 500, Rates = [FanoutOptions.Burst, 200, 800] }),
                Targets = [.. options.Words("targets", ["relay", "irc", "wpb", "wpbfile"]).Select(t => Enum.Parse<TargetKind>(t, ignoreCase: true))],
                Agents = options.Int("agents", 0),
            };
            comparison = comparison with
            {
                RendezvousDll = options.String("rendezvous-dll", comparison.RendezvousDll),
                InspircdPath = options.String("inspircd", comparison.InspircdPath),
            };
            options.ThrowIfUnknown();
            var results = await new ComparisonRunner(comparison, Console.Out).RunAsync(cancel.Token).ConfigureAwait(false);
            return results.All(r => r.ReadyClients == r.Clients) ? 0 : 2;
        }

        case "hostile":
        {
            var hostile = HostileOptions.WithDefaultPaths(Usage.ReadHostile(options));
            options.ThrowIfUnknown();
            var result = await new HostileRunner(hostile, Console.Out).RunAsync(cancel.Token).ConfigureAwait(false);
            Console.WriteLine();
            HostileReport.Write(Console.Out, hostile, result);
            return result.TargetsMet ? 0 : 2;
        }

        default:
            Console.Error.WriteLine($"Unknown command '{args[0]}'.");
            Console.WriteLine(Usage.Text);
            return 1;
    }
}
catch (Exception ex) when (ex is ArgumentException or FormatException or FileNotFoundException or InvalidOperationException)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}
catch (OperationCanceledException)
{
    // A scenario's own bound (--timeout) passed before it could report.
    Console.Error.WriteLine("Stopped: the scenario ran past its time bound (--timeout) before it could report.");
    return 2;
}
