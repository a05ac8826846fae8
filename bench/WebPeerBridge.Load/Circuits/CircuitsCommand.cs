using System.Net;
using WebPeerBridge.Load.Cli;

namespace WebPeerBridge.Load.Circuits;

/// <summary>The <c>circuits</c> command line.</summary>
internal static class CircuitsCommand
{
    public static CircuitsOptions Parse(ArgReader options)
    {
        var url = new Uri(options.String("url", "http://127.0.0.1:5080/"));
        Usage.Loopback(url.Host);
        var rendezvous = IPEndPoint.Parse(options.String("rendezvous", "127.0.0.1:1234"));
        var parsed = new CircuitsOptions
        {
            Url = url,
            WebPid = options.OptionalInt("web-pid") ?? throw new ArgumentException("--web-pid is required: the web app's process."),
            RendezvousHost = Usage.Loopback(rendezvous.Address.ToString()),
            RendezvousPort = rendezvous.Port,
            SenderPeerPort = options.Int("sender-port", 42999),
            Sessions = options.Int("sessions", 20),
            Lines = options.Int("lines", 200),
            Rate = options.Double("rate", 20),
            Timeout = options.Seconds("timeout", 300),
        };
        options.ThrowIfUnknown();
        if (parsed.Sessions < 1 || parsed.Lines < 1 || parsed.Rate <= 0)
        {
            throw new ArgumentException("--sessions and --lines are at least 1, --rate above 0.");
        }

        return parsed;
    }
}
