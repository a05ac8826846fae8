using WebPeerBridge.Peer;

namespace WebPeerBridge.Web.Components.Chat;

/// <summary>
/// The page's words for the notices it shows as toasts: the errors (joins, leaves and links are quiet lines and the
/// header's state instead). The agent says what happened, typed.
/// </summary>
internal static class NoticeText
{
    /// <summary>The toast's text for an error notice, or null for a notice the page does not show as a toast.</summary>
    public static string? ForToast(AgentNotice notice) => notice.Kind switch
    {
        NoticeKind.ServerError => $"The server says: {notice.Detail}",
        NoticeKind.Reconnecting => $"{notice.Detail ?? "Lost the rendezvous server."} Reconnecting…",
        NoticeKind.Disconnected => $"Disconnected from the rendezvous server. {notice.Detail}".TrimEnd(),
        _ => null,
    };
}
