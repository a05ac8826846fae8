namespace WebPeerBridge.Peer.Conversations;

/// <summary>What a line in a conversation is.</summary>
public enum ChatMessageKind
{
    /// <summary>Something a person wrote.</summary>
    Chat,

    /// <summary>A line from the agent: joins, leaves, link opened or closed, errors.</summary>
    System,
}
