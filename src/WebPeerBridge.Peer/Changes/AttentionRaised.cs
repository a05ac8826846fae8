using WebPeerBridge.Peer.Conversations;

namespace WebPeerBridge.Peer.Changes;

/// <summary>
/// A received line that is meant for the person: a direct message, or a line that mentions them. It follows the
/// <see cref="LinesAdded"/> that carried it. What notifies (a toast, a browser notification, a sound) subscribes to this.
/// Not raised for the history a first welcome brings (that is context, not news).
/// </summary>
public sealed record AttentionRaised(Conversation Conversation, ChatMessage Line, AttentionKind Kind) : AgentChange;
