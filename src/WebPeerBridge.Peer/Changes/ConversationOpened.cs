using WebPeerBridge.Peer.Conversations;

namespace WebPeerBridge.Peer.Changes;

/// <summary>A direct conversation started (it is now in <see cref="PeerAgent.DirectConversations"/>).</summary>
public sealed record ConversationOpened(Conversation Conversation) : AgentChange;
