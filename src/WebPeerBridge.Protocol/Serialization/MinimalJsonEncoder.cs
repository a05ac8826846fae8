using System.Text.Encodings.Web;

namespace WebPeerBridge.Protocol.Serialization;

/// <summary>
/// Escapes only what JSON requires (<c>"</c>, <c>\</c>, control characters) plus U+2028/U+2029, so that text travels as
/// UTF-8 rather than <c>\u</c> escapes. Unlike <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/> it also keeps
/// characters outside the BMP (emoji) as UTF-8. Frames are never embedded in HTML, so HTML-sensitive characters stay as they are.
/// </summary>
internal sealed class MinimalJsonEncoder : JavaScriptEncoder
{
    public static readonly MinimalJsonEncoder Instance = new();

    private MinimalJsonEncoder()
    {
    }

    // "\uXXXX" for one UTF-16 code unit; a scalar outside the BMP is never encoded.
    public override int MaxOutputCharactersPerInputCharacter => 6;

    public override bool WillEncode(int unicodeScalar) =>
        unicodeScalar < 0x20 || unicodeScalar is '"' or '\\' or 0x7F or 0x2028 or 0x2029
        || (unicodeScalar is >= 0xD800 and <= 0xDFFF);

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        var span = new ReadOnlySpan<char>(text, textLength);
        for (var i = 0; i < span.Length; i++)
        {
            var c = span[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
                {
                    i++;
                    continue;
                }

                return i;
            }

            if (WillEncode(c))
            {
                return i;
            }
        }

        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var destination = new Span<char>(buffer, bufferLength);
        ReadOnlySpan<char> shortForm = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\b' => "\\b",
            '\f' => "\\f",
            _ => default,
        };

        if (!shortForm.IsEmpty)
        {
            numberOfCharactersWritten = shortForm.Length;
            return shortForm.TryCopyTo(destination);
        }

        if (!WillEncode(unicodeScalar))
        {
            // Called for a scalar this encoder keeps: write it as it is.
            numberOfCharactersWritten = 0;
            return new System.Text.Rune(unicodeScalar).TryEncodeToUtf16(destination, out numberOfCharactersWritten);
        }

        numberOfCharactersWritten = 6;
        return destination.Length >= 6
            && "\\u".TryCopyTo(destination)
            && unicodeScalar.TryFormat(destination[2..], out _, "x4", System.Globalization.CultureInfo.InvariantCulture);
    }
}
