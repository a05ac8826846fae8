using System.Text;

namespace WebPeerBridge.Protocol.Validation;

/// <summary>The rules for message texts, names, ids and hosts: one place for every front end and both ends of a link.</summary>
public static class TextRules
{
    /// <summary>
    /// Removes control characters other than newline and tab, then checks the text is not empty or only white space
    /// and at most <paramref name="maxLength"/> Unicode scalar values. Returns the same instance when nothing was removed.
    /// </summary>
    public static ValidationResult NormalizeText(string? text, int maxLength, out string normalized)
    {
        normalized = text ?? string.Empty;
        if (NeedsCleaning(normalized))
        {
            normalized = RemoveControlCharacters(normalized);
        }

        if (string.IsNullOrWhiteSpace(normalized))
        {
            return ValidationResult.Fail(ErrorCodes.EmptyText, "The text is empty.");
        }

        var length = CountScalars(normalized);
        return length > maxLength
            ? ValidationResult.Fail(ErrorCodes.TextTooLong, $"The text has {length} characters; the limit is {maxLength}.")
            : ValidationResult.Ok;
    }

    /// <summary>
    /// A name is 1–<paramref name="maxLength"/> Unicode scalar values, each a letter or decimal digit of any script,
    /// <c>.</c>, <c>_</c> or <c>-</c>.
    /// </summary>
    public static ValidationResult ValidateName(string? name, int maxLength = ProtocolLimits.MaxNameLength)
    {
        if (string.IsNullOrEmpty(name))
        {
            return ValidationResult.Fail(ErrorCodes.InvalidName, "The name is empty.");
        }

        var length = 0;
        var afterLetter = false;
        foreach (var rune in name.EnumerateRunes())
        {
            length++;
            // Combining marks belong to the letter before them (Devanagari राहुल, a decomposed é).
            var isMark = afterLetter && IsMark(rune);
            if (!isMark && !IsNameRune(rune))
            {
                return ValidationResult.Fail(ErrorCodes.InvalidName,
                    "A name may contain only letters, digits, '.', '_' and '-'.");
            }

            afterLetter = isMark || Rune.IsLetter(rune);
        }

        // A lone surrogate enumerates as U+FFFD, which is no letter: it was refused above.
        if (length > maxLength)
        {
            return ValidationResult.Fail(ErrorCodes.InvalidName, $"A name has at most {maxLength} characters.");
        }

        // Mixed scripts are refused by the rendezvous server, after it checked that no lookalike is taken (name_taken first).
        return ValidationResult.Ok;
    }

    /// <summary>
    /// Turns any text into a valid name, for clients that cannot retry (the seed client): white space becomes <c>_</c>,
    /// other disallowed characters are dropped, the result is cut to <paramref name="maxLength"/>; empty becomes <c>guest</c>.
    /// </summary>
    public static string AdaptName(string? raw, int maxLength = ProtocolLimits.MaxNameLength)
    {
        var builder = new StringBuilder();
        var length = 0;
        foreach (var rune in (raw ?? string.Empty).Trim().EnumerateRunes())
        {
            if (length == maxLength)
            {
                break;
            }

            if (Rune.IsWhiteSpace(rune))
            {
                builder.Append('_');
                length++;
            }
            else if (IsNameRune(rune) || IsMark(rune) && builder.Length > 0 && !IsBreak(builder[^1]))
            {
                builder.Append(rune.ToString());
                length++;
            }
        }

        // Letters of a second script are dropped too: a mixed-script name could pass for another one.
        var adapted = NameSkeletons.KeepOneScript(builder.ToString());
        return adapted.Length == 0 ? "guest" : adapted;
    }

    /// <summary>An id (of a <c>say</c> or a <c>dm</c>): 1–64 characters, no control characters.</summary>
    public static ValidationResult ValidateId(string? id)
    {
        if (id is null)
        {
            return ValidationResult.Ok;
        }

        if (id.Length is 0 or > ProtocolLimits.MaxIdLength || id.AsSpan().ContainsAnyInRange('\0', '\u001f'))
        {
            return ValidationResult.Fail(ErrorCodes.BadFrame, $"An id has 1–{ProtocolLimits.MaxIdLength} characters and no control characters.");
        }

        return ValidationResult.Ok;
    }

    /// <summary>An advertised host: a DNS name or an IP address literal, without white space.</summary>
    public static ValidationResult ValidateHost(string? host)
    {
        if (host is null)
        {
            return ValidationResult.Ok;
        }

        if (host.Length is 0 or > ProtocolLimits.MaxHostLength)
        {
            return ValidationResult.Fail(ErrorCodes.BadFrame, $"A host has 1–{ProtocolLimits.MaxHostLength} characters.");
        }

        foreach (var c in host)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':' or '_' or '%' or '[' or ']'))
            {
                return ValidationResult.Fail(ErrorCodes.BadFrame, "A host is a DNS name or an IP address.");
            }
        }

        return ValidationResult.Ok;
    }

    /// <summary>A TCP port a peer listens on: 1–65535.</summary>
    public static bool IsValidPort(int? port) => port is >= 1 and <= 65535;

    /// <summary>Counts Unicode scalar values (a surrogate pair is one).</summary>
    public static int CountScalars(ReadOnlySpan<char> text)
    {
        var count = text.Length;
        for (var i = 1; i < text.Length; i++)
        {
            // Only a pair counts once: a lone surrogate is one (invalid) character, like the U+FFFD it becomes.
            if (char.IsLowSurrogate(text[i]) && char.IsHighSurrogate(text[i - 1]))
            {
                count--;
            }
        }

        return count;
    }

    private static bool IsMark(Rune rune) => Rune.GetUnicodeCategory(rune) is System.Globalization.UnicodeCategory.NonSpacingMark
        or System.Globalization.UnicodeCategory.SpacingCombiningMark or System.Globalization.UnicodeCategory.EnclosingMark;

    // A mark may follow a letter or another mark, not '_', '.', '-' or a digit.
    private static bool IsBreak(char c) => c is '_' or '.' or '-' || char.IsDigit(c);

    private static bool IsNameRune(Rune rune) =>
        Rune.IsLetter(rune) || Rune.GetUnicodeCategory(rune) == System.Globalization.UnicodeCategory.DecimalDigitNumber
        || rune.Value is '.' or '_' or '-';

    private static bool NeedsCleaning(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (IsRemovedControl(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <paramref name="text"/> without control characters (newline and tab kept) and bidirectional controls, as
    /// <see cref="NormalizeText"/> cleans a text: for what a terminal prints or a log writes.
    /// </summary>
    public static string StripControls(string text) => NeedsCleaning(text) ? RemoveControlCharacters(text) : text;

    /// <summary>
    /// <paramref name="text"/> as one clean log line: <see cref="StripControls"/>, with line breaks and tabs as spaces, so
    /// that a peer's or a server's text can neither drive the log reader's terminal nor forge log lines.
    /// </summary>
    public static string ForLog(string? text)
    {
        var clean = StripControls(text ?? string.Empty);
        return clean.Contains('\n', StringComparison.Ordinal) || clean.Contains('\t', StringComparison.Ordinal)
            ? clean.Replace('\n', ' ').Replace('\t', ' ')
            : clean;
    }

    private static string RemoveControlCharacters(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!IsRemovedControl(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    // Control characters but newline and tab, and the bidirectional embedding, override and isolate controls
    // (U+202A–U+202E, U+2066–U+2069), which can make a text read differently from what it is ("invoice_\u202Egpj.exe").
    private static bool IsRemovedControl(char c) =>
        char.IsControl(c) && c is not '\n' and not '\t' || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069';
}
