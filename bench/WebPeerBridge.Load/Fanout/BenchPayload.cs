using System.Buffers.Text;

namespace WebPeerBridge.Load.Fanout;

/// <summary>
/// The text of a benchmark message: <c>~ts:&lt;stopwatch ticks&gt;:&lt;sender&gt;:&lt;number&gt; xxx…</c>. The same text
/// travels in a <c>say</c>, a raw relay line and an IRC <c>PRIVMSG</c>; a receiver finds it by its marker.
/// </summary>
internal static class BenchPayload
{
    private static ReadOnlySpan<byte> Marker => "~ts:"u8;

    /// <summary>Writes the text; returns its length. <paramref name="destination"/> must hold 64 bytes plus the padding.</summary>
    public static int Write(Span<byte> destination, long timestamp, int sender, int number, int padding)
    {
        Marker.CopyTo(destination);
        var at = Marker.Length;
        at += Format(destination[at..], timestamp);
        destination[at++] = (byte)':';
        at += Format(destination[at..], sender);
        destination[at++] = (byte)':';
        at += Format(destination[at..], number);
        if (padding > 0)
        {
            destination[at++] = (byte)' ';
            destination.Slice(at, padding).Fill((byte)'x');
            at += padding;
        }

        return at;
    }

    /// <summary>Finds the payload in a received line.</summary>
    public static bool TryRead(ReadOnlySpan<byte> line, out long timestamp, out int sender, out int number)
    {
        timestamp = 0;
        sender = 0;
        number = 0;
        var start = line.IndexOf(Marker);
        if (start < 0)
        {
            return false;
        }

        var rest = line[(start + Marker.Length)..];
        if (!Utf8Parser.TryParse(rest, out timestamp, out var used) || used >= rest.Length || rest[used] != (byte)':')
        {
            return false;
        }

        rest = rest[(used + 1)..];
        if (!Utf8Parser.TryParse(rest, out sender, out used) || used >= rest.Length || rest[used] != (byte)':')
        {
            return false;
        }

        rest = rest[(used + 1)..];
        return Utf8Parser.TryParse(rest, out number, out _);
    }

    private static int Format(Span<byte> destination, long value) =>
        Utf8Formatter.TryFormat(value, destination, out var written) ? written : throw new ArgumentException("Buffer too small.", nameof(destination));
}
