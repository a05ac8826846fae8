using WebPeerBridge.Peer.Commands;

namespace WebPeerBridge.Web.Components.Chat.Completion;

/// <summary>
/// The pure rules of the composer's completion: which word at the end of the text completes, which commands and names
/// match it, and the text once one is picked. Names match by prefix, ignoring case, in alphabetical order.
/// </summary>
internal static class NameCompletion
{
    /// <summary>
    /// The commands "/" lists: the slash commands and the seed's typed ones (<c>conn:</c>, <c>to_peer:</c>, <c>close</c>),
    /// each inserting its text up to its first placeholder.
    /// </summary>
    public static IReadOnlyList<CompletionItem> Commands { get; } =
    [
        .. PeerCommandParser.Help
            .Where(h => !h.Syntax.StartsWith('<'))
            .Select(h => new CompletionItem(h.Syntax, InsertOf(h.Syntax), h.Meaning)),
    ];

    /// <summary>The word the "/" or "@" list completes at the end of <paramref name="text"/>.</summary>
    public static CompletionWord FindListWord(string text)
    {
        if (text.StartsWith('/') && !text.Any(char.IsWhiteSpace))
        {
            return new CompletionWord(CompletionKind.Command, 0, text[1..]);
        }

        var start = WordStart(text);
        if (start < text.Length && text[start] == '@')
        {
            return new CompletionWord(CompletionKind.Name, start, text[(start + 1)..]);
        }

        return new CompletionWord(CompletionKind.None, text.Length, "");
    }

    /// <summary>The word Tab completes at the end of <paramref name="text"/> (with or without "@"); None when it ends in a space.</summary>
    public static CompletionWord FindTabWord(string text)
    {
        var start = WordStart(text);
        if (start == text.Length)
        {
            return new CompletionWord(CompletionKind.None, start, "");
        }

        var at = text[start] == '@' ? 1 : 0;
        return new CompletionWord(CompletionKind.Name, start, text[(start + at)..]);
    }

    /// <summary>The commands whose name (without its "/") starts with <paramref name="prefix"/>.</summary>
    public static IReadOnlyList<CompletionItem> MatchCommands(string prefix) =>
        [.. Commands.Where(c => c.Label.TrimStart('/').StartsWith(prefix, StringComparison.OrdinalIgnoreCase))];

    /// <summary>
    /// The names that start with <paramref name="prefix"/>, alphabetical; <paramref name="mention"/> inserts them as "@name ".
    /// </summary>
    public static IReadOnlyList<CompletionItem> MatchNames(IEnumerable<string> names, string prefix, bool mention) =>
    [
        .. names
            .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.OrdinalIgnoreCase)
            .Select(n => new CompletionItem(n, mention ? $"@{n} " : $"{n} ")),
    ];

    /// <summary>The text with the word at <paramref name="start"/> replaced by <paramref name="insert"/>.</summary>
    public static string Apply(string text, int start, string insert) => string.Concat(text.AsSpan(0, start), insert);

    private static int WordStart(string text)
    {
        var start = text.Length;
        while (start > 0 && !char.IsWhiteSpace(text[start - 1]))
        {
            start--;
        }

        return start;
    }

    // "/msg <name> <text>" inserts "/msg ", "conn:<host>:<port>" inserts "conn:", "close" inserts "close".
    private static string InsertOf(string syntax)
    {
        var placeholder = syntax.IndexOf('<', StringComparison.Ordinal);
        return placeholder < 0 ? syntax : syntax[..placeholder];
    }
}
