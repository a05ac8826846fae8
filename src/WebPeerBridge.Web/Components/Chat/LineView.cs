using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Peer.Presence;

namespace WebPeerBridge.Web.Components.Chat;

/// <summary>
/// One row of the log: a line of the conversation, or a quiet line of joins and leaves; with what goes above it (a day
/// separator, the "New messages" divider).
/// </summary>
internal sealed record LineView(ChatMessage? Message, PresenceBurst? Quiet, string? DayLabel, bool FirstUnread)
{
    /// <summary>Keys the row for rendering: the message id, or the quiet line's own.</summary>
    public string Key => Message?.Id ?? $"presence-{Quiet!.Id}";

    public DateTimeOffset At => Message?.At ?? Quiet!.At;
}
