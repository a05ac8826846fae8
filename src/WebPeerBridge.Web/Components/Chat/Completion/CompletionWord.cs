namespace WebPeerBridge.Web.Components.Chat.Completion;

/// <summary>The word at the end of the composer's text that a completion would replace.</summary>
/// <param name="Kind">Whether a command or a name is being completed.</param>
/// <param name="Start">Where the word starts in the text (its "/" or "@" included).</param>
/// <param name="Prefix">What was typed of it, without the "/" or "@".</param>
internal readonly record struct CompletionWord(CompletionKind Kind, int Start, string Prefix);
