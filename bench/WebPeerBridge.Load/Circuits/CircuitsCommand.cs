using System.Net;
using WebPeerBridge.Load.Cli;

namespace WebPeerBridge.Load.Circuits;

/// <summary>The <c>circuits</c> command line.</summary>
internal static class CircuitsCommand
{
    public static CircuitsOptions Parse(ArgReader options)
    {
        var webDlls = options.Words("web-dll", []);
        var parsed = new CircuitsOptions
        {
            WebDlls = webDlls,
            Labels = options.Words("labels", [.. webDlls.Select((_, i) => $"build {i + 1}")]),
            Runs = options.Int("runs", 1),
            PortBase = options.Int("port-base", 52000),
            Sessions = options.Int("sessions", 20),
            Parallel = options.Int("parallel", 4),
            Lines = options.Int("lines", 200),
            Rate = options.Double("rate", 20),
            Warmup = options.Int("warmup", 20),
            Settle = options.Seconds("settle", 15),
            Timeout = options.Seconds("timeout", 300),
            JoinDetached = options.Flag("join-detached"),
        };
        if (webDlls.Count == 0)
        {
            var url = new Uri(options.String("url", "http://127.0.0.1:5080/"));
            Usage.Loopback(url.Host);
            var rendezvous = IPEndPoint.Parse(options.String("rendezvous", "127.0.0.1:1234"));
            parsed = new CircuitsOptions
            {
                Url = url,
                WebPid = options.OptionalInt("web-pid") ?? throw new ArgumentException("--web-pid is required (or --web-dll): the web app's process."),
                RendezvousHost = Usage.Loopback(rendezvous.Address.ToString()),
                RendezvousPort = rendezvous.Port,
                SenderPeerPort = options.Int("sender-port", 42999),
                Sessions = parsed.Sessions,
                Parallel = parsed.Parallel,
                Lines = parsed.Lines,
                Rate = parsed.Rate,
                Warmup = parsed.Warmup,
                Settle = parsed.Settle,
                Timeout = parsed.Timeout,
                JoinDetached = parsed.JoinDetached,
            };
        }

        options.ThrowIfUnknown();
        if (parsed.Sessions < 1 || parsed.Lines < 1 || parsed.Warmup < 0 || parsed.Rate <= 0 || parsed.Runs < 1 || parsed.Parallel < 1)
        {
            throw new ArgumentException("--sessions, --lines, --runs and --parallel are at least 1, --rate above 0.");
        }

        if (parsed.Labels.Count != parsed.WebDlls.Count)
        {
            throw new ArgumentException("--labels names each --web-dll.");
        }

        if (parsed.WebDlls.Count > 0 && (parsed.PortBase < 1024 || parsed.PortBase + 10 + parsed.Sessions + 50 > 65535))
        {
            throw new ArgumentException("--port-base leaves no room for the web app, its rendezvous server and a peer port per session.");
        }

        return parsed;
    }
}
