namespace WebPeerBridge.Web.Components.Chat.Search;

/// <summary>A piece of a found line's text: what matched the search, or what lies between.</summary>
internal readonly record struct TextPart(string Text, bool IsMatch);
