using System.Globalization;

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
    bool Demo = false)
{
    public const string Usage = """
        WebPeerBridge terminal peer

          dotnet run --project src/WebPeerBridge.Cli -- --name bob --server 127.0.0.1:1234

          --name <name>            the name to join as (required)
          --server <host:port>     the rendezvous server (default 127.0.0.1:1234)
          --port-range <min-max>   where the peer listener takes a port (default 40000-40999)
          --bind <address>         the address the peer listener binds (default 0.0.0.0)
          --advertise-host <host>  the host others should dial, when not the address the server sees
          --demo                   demo peer: greet newcomers, echo direct messages, read no input; stop with Ctrl+C or SIGTERM
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
        var (min, max) = (40000, 40999);
        var bind = "0.0.0.0";
        string? advertised = null;
        var verbose = false;
        var demo = false;

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
                    if (!TrySplitEndpoint(value, out host, out port))
                    {
                        error = $"--server wants host:port, e.g. 127.0.0.1:1234, not '{value}'.";
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

        return new CliArguments(name, host, port, min, max, bind, advertised, verbose, demo);
    }

    private static bool TrySplitEndpoint(string value, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = value.LastIndexOf(':');
        if (colon <= 0)
        {
            return false;
        }

        host = value[..colon].Trim('[', ']');
        return host.Length > 0 && int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;
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
