using Microsoft.Extensions.Logging;

namespace WebPeerBridge.Peer.Links;

// Log messages of direct messaging.
internal sealed partial class DirectMessaging
{
    [LoggerMessage(1, LogLevel.Information, "Link opened with {Peer} at {Remote} (outgoing: {Outgoing}, verified: {Verified})")]
    private partial void LogLinkOpened(string peer, string remote, bool outgoing, bool verified);

    [LoggerMessage(2, LogLevel.Information, "Link with {Peer} closed: {Reason}")]
    private partial void LogLinkClosed(string peer, string reason);

    [LoggerMessage(3, LogLevel.Information, "Two links with {Peer}: closing the one dialed by {Dialer}")]
    private partial void LogDuplicate(string peer, string dialer);

    [LoggerMessage(4, LogLevel.Information, "Dialing {Target} failed: {Error}")]
    private partial void LogDialFailed(string target, string error);

    [LoggerMessage(6, LogLevel.Warning, "Refused a direct link from {Remote}: {Reason} (further refusals from this address are not logged for a while)")]
    private partial void LogTooMany(string remote, string reason);

    [LoggerMessage(5, LogLevel.Information, "Hello from {Remote} failed: {Message}")]
    private partial void LogHandshakeFailed(string remote, string message);
}
