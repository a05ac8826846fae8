using WebPeerBridge.Peer.Conversations;

namespace WebPeerBridge.Peer.Changes;

/// <summary>New lines at the end of <paramref name="Conversation"/>, oldest first (the oldest held may have gone to make room).</summary>
public sealed record LinesAdded(Conversation Conversation, IReadOnlyList<ChatMessage> Lines) : AgentChange;
