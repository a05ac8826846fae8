using WebPeerBridge.Peer.Conversations;

namespace WebPeerBridge.Web.Components.Chat.Search;

/// <summary>
/// Finds the lines people wrote (not the agent's system lines) whose text holds the query, ignoring case; newest first.
/// </summary>
internal static class HistorySearch
{
    /// <summary>The search's outcome: at most <paramref name="limit"/> hits, and how many lines matched in all.</summary>
    public static (IReadOnlyList<SearchHit> Hits, int Total) Find(IReadOnlyList<ChatMessage> lines, string query, int limit)
    {
        var needle = query.Trim();
        if (needle.Length == 0)
        {
            return ([], 0);
        }

        var hits = new List<SearchHit>();
        var total = 0;
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            var line = lines[i];
            if (line.Kind != ChatMessageKind.Chat || !line.Text.Contains(needle, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            total++;
            if (hits.Count < limit)
            {
                hits.Add(new SearchHit(line, i, Split(line.Text, needle)));
            }
        }

        return (hits, total);
    }

    /// <summary><paramref name="text"/> cut into the parts that match <paramref name="needle"/> and those between.</summary>
    public static IReadOnlyList<TextPart> Split(string text, string needle)
    {
        var parts = new List<TextPart>();
        var from = 0;
        while (from < text.Length)
        {
            var at = text.IndexOf(needle, from, StringComparison.OrdinalIgnoreCase);
            if (at < 0)
            {
                break;
            }

            if (at > from)
            {
                parts.Add(new TextPart(text[from..at], IsMatch: false));
            }

            parts.Add(new TextPart(text.Substring(at, needle.Length), IsMatch: true));
            from = at + needle.Length;
        }

        if (from < text.Length)
        {
            parts.Add(new TextPart(text[from..], IsMatch: false));
        }

        return parts;
    }
}
