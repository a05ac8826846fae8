using WebPeerBridge.Peer.Conversations;

namespace WebPeerBridge.Web.Components.Chat;

/// <summary>A line of the log with what goes above it: a day separator, the "New messages" divider.</summary>
internal sealed record LineView(ChatMessage Message, string? DayLabel, bool FirstUnread);
