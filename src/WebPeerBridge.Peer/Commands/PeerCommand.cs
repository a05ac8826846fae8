namespace WebPeerBridge.Peer.Commands;

/// <summary>What a line typed by a user asks for. Parsed once by <see cref="PeerCommandParser"/> for every front end.</summary>
public abstract record PeerCommand;

/// <summary>Plain text: broadcast it.</summary>
public sealed record BroadcastCommand(string Text) : PeerCommand;

/// <summary>The seed's <c>conn:&lt;ip&gt;:&lt;port&gt;</c>: open a direct link.</summary>
public sealed record ConnectCommand(string Host, int Port) : PeerCommand;

/// <summary>The seed's <c>to_peer:&lt;text&gt;</c>: a direct message to the current direct peer.</summary>
public sealed record ToPeerCommand(string Text) : PeerCommand;

/// <summary>The seed's <c>close</c>: leave the network.</summary>
public sealed record CloseCommand : PeerCommand;

/// <summary><c>/msg &lt;name&gt; &lt;text&gt;</c>: a direct message to a listed peer.</summary>
public sealed record DirectMessageCommand(string PeerName, string Text) : PeerCommand;

/// <summary><c>/peers</c>: list who is online.</summary>
public sealed record ListPeersCommand : PeerCommand;

/// <summary><c>/help</c>.</summary>
public sealed record HelpCommand : PeerCommand;

/// <summary><c>/quit</c>: leave and exit.</summary>
public sealed record QuitCommand : PeerCommand;

/// <summary>A malformed command, with a message that says what is wrong and what is expected.</summary>
public sealed record InvalidCommand(string Error) : PeerCommand;
