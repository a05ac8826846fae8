namespace WebPeerBridge.Peer.Conversations;

/// <summary>The broadcast stream, or a direct conversation with one peer.</summary>
public enum ConversationKind
{
    Broadcast,
    Direct,
}
