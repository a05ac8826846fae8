namespace WebPeerBridge.Peer.Mentions;

/// <summary>Whether a line mentions a name: the name as a whole word, in any case, with or without a leading <c>@</c>.</summary>
public static class MentionRules
{
    /// <summary>True when <paramref name="text"/> holds <paramref name="name"/> with no letter, digit, <c>_</c> or <c>-</c> touching it.</summary>
    public static bool Mentions(string text, string name)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrEmpty(name) || text.Length < name.Length)
        {
            return false;
        }

        var from = 0;
        while (from <= text.Length - name.Length)
        {
            var at = text.IndexOf(name, from, StringComparison.OrdinalIgnoreCase);
            if (at < 0)
            {
                return false;
            }

            var end = at + name.Length;
            if ((at == 0 || !IsNameChar(text[at - 1])) && (end == text.Length || !IsNameChar(text[end])))
            {
                return true;
            }

            from = at + 1;
        }

        return false;
    }

    // A name may also hold '.', '_' and '-' (TextRules.ValidateName): "bo" is not in "bo_b"; a '.' ends sentences, so "bo." is bo.
    private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '-';
}
