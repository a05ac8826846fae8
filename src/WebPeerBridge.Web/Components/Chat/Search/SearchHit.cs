using WebPeerBridge.Peer.Conversations;

namespace WebPeerBridge.Web.Components.Chat.Search;

/// <summary>A line that matched: the line, its position in the conversation's history, and its text cut at the matches.</summary>
internal sealed record SearchHit(ChatMessage Message, int Index, IReadOnlyList<TextPart> Parts);
