namespace WebPeerBridge.Peer;

/// <summary>Outcome of <see cref="PeerAgent.StartAsync"/>. <see cref="ErrorCode"/> is a protocol error code
/// (<c>name_taken</c>, <c>invalid_name</c>…) or one of <see cref="JoinErrors"/>.</summary>
public sealed record JoinResult(bool Success, string? ErrorCode = null, string? Message = null)
{
    public static readonly JoinResult Joined = new(true);
}

/// <summary>Error codes of a join that are not protocol error codes.</summary>
public static class JoinErrors
{
    /// <summary>The rendezvous server could not be reached.</summary>
    public const string Unreachable = "unreachable";

    /// <summary>Every port of the peer port range is taken.</summary>
    public const string PortRangeExhausted = "port_range_exhausted";
}

/// <summary>
/// Outcome of sending: <see cref="SendOutcome.Sent"/> (the message is in its conversation, sending or sent, and follows
/// its delivery state from there) or why not, with <see cref="Error"/> saying so for the user, or <see cref="Failure"/>
/// saying it typed (for the UI to word).
/// </summary>
public sealed record SendResult(SendOutcome Outcome, string? MessageId = null, string? Error = null, Conversations.DeliveryFailure? Failure = null)
{
    /// <summary>The message went out (or waits for the server, for a broadcast; or for the peer to be back, when queued).</summary>
    public bool Accepted => Outcome is SendOutcome.Sent or SendOutcome.Queued;
}

/// <summary>What became of a message to send.</summary>
public enum SendOutcome
{
    /// <summary>It went out; its delivery state follows.</summary>
    Sent,

    /// <summary>The peer is offline: the message waits in the agent and goes out when the peer is back with its key.</summary>
    Queued,

    /// <summary>The text (or the request) is not valid: nothing was sent.</summary>
    Invalid,

    /// <summary>The agent is not on the network (not joined, or left).</summary>
    NotJoined,

    /// <summary>The rendezvous server is not connected (broadcasts).</summary>
    ServerOffline,

    /// <summary>Too many messages wait already.</summary>
    Busy,

    /// <summary>No such peer online.</summary>
    PeerOffline,

    /// <summary>The peer could not be verified (or could not verify this agent): nothing was sent to it.</summary>
    Unverified,

    /// <summary>The peer could not be reached, or did not answer in time.</summary>
    Unreachable,

    /// <summary>The peer refused the link.</summary>
    Refused,

    /// <summary>The link closed before the message went out.</summary>
    LinkClosed,

    /// <summary>No own message with that id, or one that cannot be sent again.</summary>
    NotFound,
}

/// <summary>Outcome of opening a direct link: <see cref="LinkOutcome.Open"/> or why not, with <see cref="Error"/> for the user.</summary>
public sealed record LinkResult(LinkOutcome Outcome, string? PeerName = null, string? Error = null)
{
    public bool Success => Outcome == LinkOutcome.Open;
}

/// <summary>What became of a direct link to open.</summary>
public enum LinkOutcome
{
    /// <summary>The link is open.</summary>
    Open,

    /// <summary>The address or request is not valid.</summary>
    Invalid,

    /// <summary>The agent is not on the network.</summary>
    NotJoined,

    /// <summary>No such peer online.</summary>
    PeerOffline,

    /// <summary>The peer's certificate is not the one the directory lists, or it could not verify this agent.</summary>
    Unverified,

    /// <summary>Nothing answered (refused connection, unreachable, no answer in time).</summary>
    Unreachable,

    /// <summary>The other side refused the link or does not speak the protocol.</summary>
    Refused,

    /// <summary>The link closed as soon as it opened.</summary>
    Closed,
}

/// <summary>
/// Outcome of a typed line (<see cref="PeerAgent.ExecuteAsync"/>): what happened, for the user; a direct message to an
/// offline peer that cannot go says why in <see cref="Failure"/> instead, for the UI to word.
/// </summary>
public sealed record CommandResult(bool Success, string? Message = null, string? ConversationKey = null, Conversations.DeliveryFailure? Failure = null);

/// <summary>The state of the direct link with one peer.</summary>
public enum DirectLinkState
{
    None,
    Connecting,
    Open,
    Closed,
}

/// <summary>
/// Something worth telling the user at once (a snackbar, a terminal line): what happened and its data, which each UI
/// puts in its own words.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="PeerName">The peer it is about (joins, leaves, moves, links).</param>
/// <param name="Endpoint">Where the peer listens, <c>host:port</c> (<see cref="NoticeKind.Joined"/>, <see cref="NoticeKind.Moved"/>,
/// <see cref="NoticeKind.LinkOpened"/>).</param>
/// <param name="LeftReason">Why the peer left, one of <see cref="Protocol.Frames.LeftReasons"/> (<see cref="NoticeKind.Left"/>).</param>
/// <param name="Verified">Whether the link proved the peer's key (<see cref="NoticeKind.LinkOpened"/>).</param>
/// <param name="Detail">
/// Words from elsewhere, shown as they came, or null: the server's own error message (<see cref="NoticeKind.ServerError"/>),
/// what ended the connection (<see cref="NoticeKind.Reconnecting"/>, <see cref="NoticeKind.Disconnected"/>), why the link
/// closed (<see cref="NoticeKind.LinkClosed"/>).
/// </param>
public sealed record AgentNotice(
    NoticeKind Kind,
    string? PeerName = null,
    string? Endpoint = null,
    string? LeftReason = null,
    bool Verified = false,
    string? Detail = null)
{
    /// <summary>Whether it tells of something wrong (the page shows these as error toasts, the terminal marks them).</summary>
    public bool IsError => Kind is NoticeKind.ServerError or NoticeKind.Reconnecting or NoticeKind.Disconnected;
}

/// <summary>What an <see cref="AgentNotice"/> tells.</summary>
public enum NoticeKind
{
    /// <summary>A peer joined the network.</summary>
    Joined,

    /// <summary>A peer left it.</summary>
    Left,

    /// <summary>A listed peer now listens elsewhere (it joined again from another address or port).</summary>
    Moved,

    /// <summary>A direct link with a peer opened.</summary>
    LinkOpened,

    /// <summary>A direct link with a peer closed.</summary>
    LinkClosed,

    /// <summary>The rendezvous server sent an error that no request of this agent was waiting for.</summary>
    ServerError,

    /// <summary>The connection to the rendezvous server was lost; the agent is reconnecting.</summary>
    Reconnecting,

    /// <summary>The agent is connected to the rendezvous server again.</summary>
    BackOnline,

    /// <summary>The rendezvous server is gone for good (the agent stopped trying, or was refused).</summary>
    Disconnected,
}
