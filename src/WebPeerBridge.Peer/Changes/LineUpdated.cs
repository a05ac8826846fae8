using WebPeerBridge.Peer.Conversations;

namespace WebPeerBridge.Peer.Changes;

/// <summary>A held line changed (its delivery state, mostly): <paramref name="Line"/> replaces <paramref name="Previous"/>.</summary>
public sealed record LineUpdated(Conversation Conversation, ChatMessage Line, ChatMessage Previous) : AgentChange;
