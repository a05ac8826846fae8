namespace WebPeerBridge.Web.Components.Chat.Completion;

/// <summary>One choice of the composer's completion list.</summary>
/// <param name="Label">What the list shows: a command's syntax or a name.</param>
/// <param name="Insert">What replaces the word being completed when it is picked.</param>
/// <param name="Meaning">What a command does; null for a name.</param>
public sealed record CompletionItem(string Label, string Insert, string? Meaning = null);
