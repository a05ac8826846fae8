using WebPeerBridge.Peer.Conversations;

namespace WebPeerBridge.Peer.Changes;

/// <summary>
/// New lines at the end of <paramref name="Conversation"/>, oldest first (the oldest held may have gone to make room).
/// <paramref name="Unread"/> of them raised its unread count (nobody was reading it): when 0, the counts that show it
/// (badges, titles) did not change.
/// </summary>
public sealed record LinesAdded(Conversation Conversation, IReadOnlyList<ChatMessage> Lines, int Unread) : AgentChange;
