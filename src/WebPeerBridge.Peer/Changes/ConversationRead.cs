using WebPeerBridge.Peer.Conversations;

namespace WebPeerBridge.Peer.Changes;

/// <summary>The person read <paramref name="Conversation"/>: its unread and highlight counts are back to 0.</summary>
public sealed record ConversationRead(Conversation Conversation) : AgentChange;
