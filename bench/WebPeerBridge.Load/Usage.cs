using System.Net;
using WebPeerBridge.Load.Cli;
using WebPeerBridge.Load.Fanout;

namespace WebPeerBridge.Load;

/// <summary>The command line: help text and the options shared by <c>fanout</c> and <c>all</c>.</summary>
internal static class Usage
{
    public const string Text = """
        WebPeerBridge load tool (loopback only; every run is bounded and stops by itself)

          fanout --target wpb|relay|irc [--host 127.0.0.1] [--port 1234] [--server-pid PID] SCENARIO
              join storm, server memory per client (with --server-pid), then one send phase per rate
          relay [--port 1235] [--bind 127.0.0.1] [--max-seconds 3600]
              the raw byte-relay baseline server
          agents [--server 127.0.0.1:1234] [--count 200] [--pairs 10] [--round-trips 200] [--peer-port-min 42000] [--links tls|plain] [--settle 1]
              N PeerAgents in this process: start time, memory per agent, dm round trips per second;
              --settle: seconds the started agents idle before the memory is read (time for a dotnet-gcdump)
          circuits --web-dll A.dll[,B.dll] [--labels a,b] [--runs 1] [--port-base 52000] [--sessions 20] [--parallel 4] [--lines 200] [--rate 20]
                   [--warmup 20] [--settle 15] [--join-detached]
          circuits --url http://127.0.0.1:P/ --web-pid PID --rendezvous 127.0.0.1:R [--sender-port 42999] [--sessions 20] ...
              N browser sessions (headless Chromium) on a web app: its CPU per broadcast line they render; --web-dll starts
              each build in turn (a fresh process per run, alternating A B A B), else measures a running app;
              --join-detached: each page closes once joined and all open again after (a build that re-renders every
              open page per join would otherwise take N^3 renders to join)
          cluster [--rendezvous-dll PATH] [--nats-server nats-server] SCENARIO
              one embedded node, one node on NATS JetStream, two nodes with the clients spread: one table
          all [--targets relay,irc,wpb,wpbfile] [--agents 0] [--rendezvous-dll PATH] [--inspircd /usr/sbin/inspircd] SCENARIO
              runs each server as a child process on a free port, the same scenario against each, one table;
              wpb keeps its history in memory, wpbfile in a new file (durable echo); defaults:
              --senders 4 --messages 500 --rate burst,200,800, then the issue-14 targets with ratios
          hostile [--honest 20] [--honest-rate 20] [--flood 30] [--settle 20] [--rounds 2] [--workers 8] [--held 500] [--base-port 0 = free ports]
                  [--rendezvous-dll PATH] [--cli-dll PATH] [--web-dll PATH]
              the rendezvous server, a terminal peer and the web app as child processes; one address (127.0.0.66)
              floods all three while honest clients chat: memory before/peak/after, CPU, honest p99, nothing dropped

        SCENARIO:
          --clients 1000        clients connected at once (join storm)
          --senders 2           clients that broadcast (the first ones)
          --messages 500        broadcasts per sender per phase
          --rate 0              total broadcasts/s over all senders; a list (burst,200,800) runs one phase each;
                                0 = closed loop: as fast as the last client receives, --window in flight;
                                burst = every sender sends all its broadcasts at once (no window)
          --window 64           closed loop: broadcasts in flight
          --warmup 100          broadcasts per sender in an unreported closed-loop phase first (0: none)
          --padding 48          bytes of text after the timestamp
          --connect-parallelism 0   connections opened at once (0 = all)
          --extra-clients 200   clients connected after the storm to read memory per extra idle client (0: none)
          --timeout 180         seconds for the whole run
          --stall-timeout 10    seconds without progress that end a phase
        """;

    public static FanoutOptions ReadScenario(ArgReader options, FanoutOptions? defaults = null)
    {
        var d = defaults ?? new FanoutOptions();
        return d with
        {
            Clients = options.Int("clients", d.Clients),
            Senders = options.Int("senders", d.Senders),
            Messages = options.Int("messages", d.Messages),
            Rates = options.Words("rate", []) is { Count: > 0 } words ? [.. words.Select(ParseRate)] : d.Rates,
            Window = options.Int("window", d.Window),
            WarmupMessages = options.Int("warmup", 100),
            Padding = options.Int("padding", d.Padding),
            ConnectParallelism = options.Int("connect-parallelism", d.ConnectParallelism),
            ExtraClients = options.Int("extra-clients", d.ExtraClients),
            Timeout = options.Seconds("timeout", 180),
            StallTimeout = options.Seconds("stall-timeout", 10),
        };
    }

    private static double ParseRate(string word) => word == "burst"
        ? FanoutOptions.Burst
        : double.Parse(word, System.Globalization.CultureInfo.InvariantCulture);

    public static Hostile.HostileOptions ReadHostile(ArgReader options)
    {
        var honest = options.Int("honest", 20);
        if (honest is < 2 or > 250)
        {
            throw new ArgumentException("--honest is 2–250 (one loopback address each, two of them send).");
        }

        return new Hostile.HostileOptions
        {
            HonestClients = honest,
            HonestRate = options.Doubles("honest-rate", [20])[0],
            Flood = options.Seconds("flood", 30),
            Settle = options.Seconds("settle", 20),
            Rounds = Math.Max(1, options.Int("rounds", 2)),
            Workers = options.Int("workers", 8),
            HeldConnections = options.Int("held", 500),
            BasePort = options.Int("base-port", 0),
            RendezvousDll = options.String("rendezvous-dll", ""),
            CliDll = options.String("cli-dll", ""),
            WebDll = options.String("web-dll", ""),
        };
    }

    /// <summary>Refuses any address outside 127.0.0.0/8: this tool never loads another machine.</summary>
    public static string Loopback(string host)
    {
        if (!IPAddress.TryParse(host, out var address) || !IPAddress.IsLoopback(address))
        {
            throw new ArgumentException($"'{host}' is not a loopback address: the load tool only targets 127.0.0.0/8.");
        }

        return host;
    }
}
