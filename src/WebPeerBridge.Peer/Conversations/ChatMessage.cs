namespace WebPeerBridge.Peer.Conversations;

/// <summary>
/// One line of a conversation. Immutable: a change of <see cref="State"/> replaces the line in its conversation.
/// </summary>
/// <param name="Id">Unique within the conversation (own messages: the id sent on the wire).</param>
/// <param name="From">Sender's name (own name for own messages).</param>
/// <param name="Text">The text, to be shown as text (never as markup).</param>
/// <param name="At">When it was sent (server time for broadcasts).</param>
/// <param name="IsOwn">Written by this agent's user.</param>
/// <param name="State">Delivery state of an own message.</param>
/// <param name="Kind">Chat line or system line.</param>
/// <param name="Seq">Broadcast sequence number, for broadcasts relayed by the server.</param>
/// <param name="Error">Why it failed, when <see cref="State"/> is <see cref="DeliveryState.Failed"/> (unless <see cref="Failure"/> says it).</param>
/// <param name="MentionsYou">A received line that mentions the person's name (set by the conversation that holds it).</param>
/// <param name="SystemLine">What a system line tells, for a UI to word; null on chat lines (and on system lines kept from before it existed: then <see cref="Text"/>).</param>
/// <param name="Failure">Why a failed direct message did not go, typed, for a UI to word; null when <see cref="Error"/> says it.</param>
public sealed record ChatMessage(
    string Id,
    string From,
    string Text,
    DateTimeOffset At,
    bool IsOwn,
    DeliveryState State,
    ChatMessageKind Kind = ChatMessageKind.Chat,
    long? Seq = null,
    string? Error = null,
    bool MentionsYou = false,
    SystemLine? SystemLine = null,
    DeliveryFailure? Failure = null)
{
    /// <summary>A system line that tells <paramref name="line"/>; its words are the UI's.</summary>
    public static ChatMessage System(string id, SystemLine line, DateTimeOffset at) =>
        new(id, "", "", at, IsOwn: false, DeliveryState.None, ChatMessageKind.System, SystemLine: line);
}
