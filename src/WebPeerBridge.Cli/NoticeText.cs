using WebPeerBridge.Peer;
using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Cli;

/// <summary>The terminal's words for a notice (the agent says what happened, typed).</summary>
internal static class NoticeText
{
    public static string For(AgentNotice notice) => notice.Kind switch
    {
        NoticeKind.Joined => $"{notice.PeerName} joined ({notice.Endpoint})",
        NoticeKind.Left => $"{notice.PeerName} left{Why(notice.LeftReason)}",
        NoticeKind.Moved => $"{notice.PeerName} is now at {notice.Endpoint}",
        NoticeKind.LinkOpened => $"Link opened with {notice.PeerName} ({notice.Endpoint}{(notice.Verified ? "" : ", unverified")})",
        NoticeKind.LinkClosed => $"Link with {notice.PeerName} closed: {notice.Detail}",
        NoticeKind.ServerError => $"The server says: {notice.Detail}",
        NoticeKind.Reconnecting => $"{notice.Detail ?? "Lost the rendezvous server."} Reconnecting…",
        NoticeKind.BackOnline => "Back online.",
        NoticeKind.Disconnected => $"Disconnected from the rendezvous server. {notice.Detail}".TrimEnd(),
        _ => notice.Kind.ToString(),
    };

    private static string Why(string? leftReason) => leftReason switch
    {
        LeftReasons.Timeout => " (timed out)",
        LeftReasons.Error => " (connection lost)",
        _ => "",
    };
}
