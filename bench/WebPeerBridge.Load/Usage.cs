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
          agents [--server 127.0.0.1:1234] [--count 200] [--pairs 10] [--round-trips 200] [--peer-port-min 42000] [--links tls|plain]
              N PeerAgents in this process: start time, memory per agent, dm round trips per second
          circuits --url http://127.0.0.1:P/ --web-pid PID --rendezvous 127.0.0.1:R [--sessions 20] [--lines 200] [--rate 20] [--sender-port 42999]
              N browser sessions (headless Chromium) on a running web app: its CPU per broadcast line they render
          all [--targets relay,wpb,irc] [--agents 0] [--rendezvous-dll PATH] [--inspircd /usr/sbin/inspircd] SCENARIO
              runs each server as a child process on a free port, the same scenario against each, one table

        SCENARIO:
          --clients 1000        clients connected at once (join storm)
          --senders 2           clients that broadcast (the first ones)
          --messages 500        broadcasts per sender per phase
          --rate 0              total broadcasts/s over all senders; a list (0,500) runs one phase each;
                                0 = closed loop: as fast as the last client receives, --window in flight
          --window 64           closed loop: broadcasts in flight
          --warmup 100          broadcasts per sender in an unreported closed-loop phase first (0: none)
          --padding 48          bytes of text after the timestamp
          --connect-parallelism 0   connections opened at once (0 = all)
          --timeout 180         seconds for the whole run
          --stall-timeout 10    seconds without progress that end a phase
        """;

    public static FanoutOptions ReadScenario(ArgReader options, IReadOnlyList<double>? defaultRates = null) => new()
    {
        Clients = options.Int("clients", 1000),
        Senders = options.Int("senders", 2),
        Messages = options.Int("messages", 500),
        Rates = options.Doubles("rate", defaultRates ?? [0]),
        Window = options.Int("window", 64),
        WarmupMessages = options.Int("warmup", 100),
        Padding = options.Int("padding", 48),
        ConnectParallelism = options.Int("connect-parallelism", 0),
        Timeout = options.Seconds("timeout", 180),
        StallTimeout = options.Seconds("stall-timeout", 10),
    };

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
