using System.Globalization;

namespace WebPeerBridge.Peer.Commands;

/// <summary>Parses the seed's typed commands and the slash commands; anything else is a broadcast.</summary>
public static class PeerCommandParser
{
    /// <summary>The commands, one per line, for help screens.</summary>
    public static readonly IReadOnlyList<(string Syntax, string Meaning)> Help =
    [
        ("<text>", "broadcast to everyone"),
        ("/msg <name> <text>", "direct message to a listed peer"),
        ("conn:<host>:<port>", "open a direct link to host:port"),
        ("to_peer:<text>", "direct message to the current direct peer"),
        ("/peers", "list who is online"),
        ("close", "leave the network"),
        ("/help", "show this help"),
        ("/quit", "leave and exit"),
    ];

    public static PeerCommand Parse(string? input)
    {
        var line = (input ?? string.Empty).TrimEnd('\r', '\n');
        var trimmed = line.Trim();

        if (trimmed.StartsWith("conn:", StringComparison.Ordinal))
        {
            return ParseConnect(trimmed["conn:".Length..]);
        }

        if (line.TrimStart().StartsWith("to_peer:", StringComparison.Ordinal))
        {
            var text = line.TrimStart()["to_peer:".Length..];
            return string.IsNullOrWhiteSpace(text)
                ? new InvalidCommand("to_peer: needs a message, e.g. to_peer:hello")
                : new ToPeerCommand(text);
        }

        // As in the seed: only the whole text is a command; "a closer look" is a broadcast.
        if (trimmed == "close")
        {
            return new CloseCommand();
        }

        if (trimmed.StartsWith('/'))
        {
            return ParseSlash(trimmed);
        }

        return string.IsNullOrWhiteSpace(line)
            ? new InvalidCommand("Nothing to send.")
            : new BroadcastCommand(line);
    }

    private static PeerCommand ParseConnect(string target)
    {
        const string Usage = "Use conn:<host>:<port>, e.g. conn:192.168.1.20:40001";
        var colon = target.LastIndexOf(':');
        if (colon <= 0 || colon == target.Length - 1)
        {
            return new InvalidCommand($"'conn:{target}' has no host and port. {Usage}");
        }

        var host = target[..colon].Trim().Trim('[', ']');
        var portText = target[(colon + 1)..].Trim();
        if (host.Length == 0 || host.Any(char.IsWhiteSpace))
        {
            return new InvalidCommand($"'{host}' is not a host. {Usage}");
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return new InvalidCommand($"'{portText}' is not a port (1–65535). {Usage}");
        }

        return new ConnectCommand(host, port);
    }

    private static PeerCommand ParseSlash(string trimmed)
    {
        var space = trimmed.IndexOf(' ');
        var verb = (space < 0 ? trimmed : trimmed[..space]).ToLowerInvariant();
        var rest = space < 0 ? string.Empty : trimmed[(space + 1)..].TrimStart();
        switch (verb)
        {
            case "/msg":
                var split = rest.IndexOf(' ');
                if (split <= 0 || string.IsNullOrWhiteSpace(rest[split..]))
                {
                    return new InvalidCommand("Use /msg <name> <text>.");
                }

                return new DirectMessageCommand(rest[..split], rest[(split + 1)..]);
            case "/peers":
                return new ListPeersCommand();
            case "/help":
                return new HelpCommand();
            case "/quit":
                return new QuitCommand();
            default:
                return new InvalidCommand($"Unknown command {verb}. Type /help for the list.");
        }
    }
}
