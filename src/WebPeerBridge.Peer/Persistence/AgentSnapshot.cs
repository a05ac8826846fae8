using WebPeerBridge.Peer.Conversations;

namespace WebPeerBridge.Peer.Persistence;

/// <summary>
/// What an agent needs to come back after its process restarted (a bridge restart): its name, its link identity
/// (PKCS#12, secret), the resume token that keeps its name, the last broadcast it saw, and its conversations with their
/// unread counts. Taken by <see cref="PeerAgent.CaptureSnapshot"/>, given back in <see cref="PeerAgentOptions.Restore"/>.
/// </summary>
public sealed record AgentSnapshot(
    string Name,
    byte[] Identity,
    string? ResumeToken,
    long? LastSeq,
    IReadOnlyList<ConversationSnapshot> Conversations);

/// <summary>One conversation of an <see cref="AgentSnapshot"/>: its key, its lines oldest first, and how many are unread.</summary>
public sealed record ConversationSnapshot(string Key, IReadOnlyList<ChatMessage> Messages, int Unread);
