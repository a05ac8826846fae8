namespace WebPeerBridge.Load.Fanout;

/// <summary>Which server the fan-out scenario talks to.</summary>
internal enum TargetKind
{
    /// <summary>The WebPeerBridge rendezvous server, protocol v1 (in <c>all</c>: history in memory).</summary>
    Wpb,

    /// <summary>The same server with its history in a file (in <c>all</c>: a new file; the durable echo waits for its commit).</summary>
    WpbFile,

    /// <summary>The raw byte relay (<c>relay</c> subcommand): plain lines.</summary>
    Relay,

    /// <summary>An IRC server (InspIRCd): NICK, USER, JOIN #bench, PRIVMSG.</summary>
    Irc,
}
