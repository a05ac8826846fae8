namespace WebPeerBridge.Load.Fanout;

/// <summary>Which server the fan-out scenario talks to.</summary>
internal enum TargetKind
{
    /// <summary>The WebPeerBridge rendezvous server, protocol v1.</summary>
    Wpb,

    /// <summary>The raw byte relay (<c>relay</c> subcommand): plain lines.</summary>
    Relay,

    /// <summary>An IRC server (InspIRCd): NICK, USER, JOIN #bench, PRIVMSG.</summary>
    Irc,
}
