using WebPeerBridge.Peer.Conversations;

namespace WebPeerBridge.Peer.Changes;

/// <summary>
/// A direct conversation was forgotten to make room for a new one (at most <see cref="PeerAgentOptions.MaxDirectConversations"/>
/// are kept): it is no longer in <see cref="PeerAgent.DirectConversations"/>.
/// </summary>
public sealed record ConversationForgotten(Conversation Conversation) : AgentChange;
