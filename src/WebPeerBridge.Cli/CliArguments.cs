using System.Globalization;
using WebPeerBridge.Peer.Rendezvous;

namespace WebPeerBridge.Cli;

/// <summary>The terminal peer's command line.</summary>
internal sealed record CliArguments(
    string Name,
    string ServerHost,
    int ServerPort,
    int PortMin,
    int PortMax,
    string BindAddress,
    string? AdvertisedHost,
    bool Verbose,
    bool Demo = false,
    IReadOnlyList<string>? Servers = null,
    bool TrimMemory = true)
{
    public const string Usage = """
        WebPeerBridge terminal peer

          dotnet run --project src/WebPeerBridge.Cli -- --name bob --server 127.0.0.1:1234

          --name <name>            the name to join as (required)
          --server <host:port>     the rendezvous server (default 127.0.0.1:1234); several nodes of one network as
                                   a:1234,b:1234: on a failure the peer moves to the next one and resumes there
          --port-range <min-max>   where the peer listener takes a port (default 40000-40999)
          --bind <address>         the address the peer listener binds (default 0.0.0.0)
          --advertise-host <host>  the host others should dial, when not the address the server sees
          --demo                   demo peer: greet newcomers, echo direct messages, read no input; stop with Ctrl+C or SIGTERM
          --no-memory-trim         keep what the heap grew to after a burst (by default a calm peer gives it back)
          --verbose                log to standard error
          --help                   this text

        Then type a line to broadcast it, or /help for the commands.
        """;

    /// <summary>Parses <paramref name="args"/>; null with an error when they make no sense, null without one for --help.</summary>
    public static CliArguments? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        string? name = null;
        var (host, port) = ("127.0.0.1", 1234);
        string[] servers = [];
        var (min, max) = (40000, 40999);
        var bind = "0.0.0.0";
        string? advertised = null;
        var verbose = false;
        var demo = false;
        var trimMemory = true;

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h")
            {
                return null;
            }

            if (arg == "--verbose")
            {
                verbose = true;
                continue;
            }

            if (arg == "--demo")
            {
                demo = true;
                continue;
            }

            if (arg == "--no-memory-trim")
            {
                trimMemory = false;
                continue;
            }

            if (i + 1 >= args.Count)
            {
                error = $"{arg} needs a value.";
                return null;
            }

            var value = args[++i];
            switch (arg)
            {
                case "--name":
                    name = value;
                    break;
                case "--server":
                    servers = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (servers.Length == 0 || !RendezvousServerList.TryParse(servers[0], out host, out port)
                        || servers.Any(s => !RendezvousServerList.TryParse(s, out _, out _)))
                    {
                        error = $"--server wants host:port (or several: a:1234,b:1234), e.g. 127.0.0.1:1234, not '{value}'.";
                        return null;
                    }

                    break;
                case "--port-range":
                    if (!TryParseRange(value, out min, out max))
                    {
                        error = $"--port-range wants min-max, e.g. 40000-40999, not '{value}'.";
                        return null;
                    }

                    break;
                case "--bind":
                    bind = value;
                    break;
                case "--advertise-host":
                    advertised = value;
                    break;
                default:
                    error = $"Unknown option {arg}.";
                    return null;
            }
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            error = "--name is required.";
            return null;
        }

        return new CliArguments(name, host, port, min, max, bind, advertised, verbose, demo, servers, trimMemory);
    }

    private static bool TryParseRange(string value, out int min, out int max)
    {
        min = max = 0;
        var parts = value.Split('-', 2);
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out min)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out max)
            && min is >= 1 and <= 65535 && max is >= 1 and <= 65535 && min <= max;
    }
}
