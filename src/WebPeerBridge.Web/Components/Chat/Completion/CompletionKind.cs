namespace WebPeerBridge.Web.Components.Chat.Completion;

/// <summary>What the composer's completion list offers.</summary>
public enum CompletionKind
{
    /// <summary>Nothing: the text ends in no word that completes.</summary>
    None,

    /// <summary>The commands: the text is "/" and what follows it, with no space yet.</summary>
    Command,

    /// <summary>Peers' names: the text ends in "@" and what follows it.</summary>
    Name,
}
