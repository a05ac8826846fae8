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

/// <summary>Outcome of sending: accepted (the message is in its conversation as sending) or refused with a reason.</summary>
public sealed record SendResult(bool Accepted, string? MessageId = null, string? Error = null);

/// <summary>Outcome of opening a direct link.</summary>
public sealed record LinkResult(bool Success, string? PeerName = null, string? Error = null);

/// <summary>Outcome of a typed line (<see cref="PeerAgent.ExecuteAsync"/>): what happened, for the user.</summary>
public sealed record CommandResult(bool Success, string? Message = null, string? ConversationKey = null);

/// <summary>The state of the direct link with one peer.</summary>
public enum DirectLinkState
{
    None,
    Connecting,
    Open,
    Closed,
}

/// <summary>Something worth telling the user at once (a snackbar, a terminal line).</summary>
public sealed record AgentNotice(NoticeKind Kind, string Text, string? PeerName = null);

/// <summary>What an <see cref="AgentNotice"/> is about.</summary>
public enum NoticeKind
{
    Joined,
    Left,
    LinkOpened,
    LinkClosed,
    Error,
    Info,
}
