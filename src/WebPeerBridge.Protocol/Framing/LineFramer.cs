using System.Buffers;

namespace WebPeerBridge.Protocol.Framing;

/// <summary>Finds one newline-terminated line in a buffer, looking no further than the limit.</summary>
public static class LineFramer
{
    /// <summary>
    /// Looks for a line of at most <paramref name="maxLineBytes"/> bytes (newline and an optional <c>\r</c> before it
    /// excluded). On <see cref="LineStatus.Line"/>, <paramref name="line"/> is the line and <paramref name="buffer"/> the rest.
    /// Scans at most <paramref name="maxLineBytes"/> + 2 bytes, so an endless line costs no more than the limit.
    /// </summary>
    public static LineStatus TryReadLine(ref ReadOnlySequence<byte> buffer, int maxLineBytes, out ReadOnlySequence<byte> line)
    {
        long scanned = 0;
        return TryReadLine(ref buffer, maxLineBytes, ref scanned, out line);
    }

    /// <summary>
    /// As <see cref="TryReadLine(ref ReadOnlySequence{byte}, int, out ReadOnlySequence{byte})"/>, resuming where the last call
    /// stopped: <paramref name="scanned"/> bytes at the start of <paramref name="buffer"/> are known to hold no newline
    /// (0 for a new line; on <see cref="LineStatus.NeedMore"/> it is the length looked at). A line that arrives one byte per
    /// read then costs each byte once, not the whole line again on every read.
    /// </summary>
    public static LineStatus TryReadLine(ref ReadOnlySequence<byte> buffer, int maxLineBytes, ref long scanned, out ReadOnlySequence<byte> line)
    {
        var window = buffer.Slice(0, Math.Min(buffer.Length, (long)maxLineBytes + 2));
        var start = Math.Min(scanned, window.Length);
        if (window.Slice(start).PositionOf((byte)'\n') is not { } eol)
        {
            line = default;
            scanned = window.Length;
            return window.Length > maxLineBytes + 1 ? LineStatus.TooLong : LineStatus.NeedMore;
        }

        scanned = 0;

        line = buffer.Slice(0, eol);
        buffer = buffer.Slice(buffer.GetPosition(1, eol));
        if (!line.IsEmpty && EndsWithCarriageReturn(line))
        {
            line = line.Slice(0, line.Length - 1);
        }

        return line.Length > maxLineBytes ? LineStatus.TooLong : LineStatus.Line;
    }

    /// <summary>Whether the line holds only spaces, tabs and carriage returns (skipped, so that netcat users may press Enter).</summary>
    public static bool IsBlank(in ReadOnlySequence<byte> line)
    {
        foreach (var segment in line)
        {
            foreach (var b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool EndsWithCarriageReturn(in ReadOnlySequence<byte> line)
    {
        var last = line.Slice(line.Length - 1);
        return last.FirstSpan[0] == (byte)'\r';
    }
}
