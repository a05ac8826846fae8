namespace WebPeerBridge.Peer.Mentions;

/// <summary>A line that mentioned the person, as the mentions list shows it.</summary>
/// <param name="ConversationKey">Where it was said: <see cref="Conversations.Conversation.BroadcastKey"/> or a peer's name.</param>
/// <param name="MessageId">The line's id in that conversation.</param>
/// <param name="From">Who said it.</param>
/// <param name="Text">What was said.</param>
/// <param name="At">When.</param>
public sealed record Mention(string ConversationKey, string MessageId, string From, string Text, DateTimeOffset At);
