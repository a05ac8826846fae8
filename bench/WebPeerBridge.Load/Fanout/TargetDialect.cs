using System.Text;

namespace WebPeerBridge.Load.Fanout;

/// <summary>How a load client speaks to one kind of server: what it sends first, what a received line means, how it broadcasts.</summary>
internal abstract class TargetDialect
{
    public abstract TargetKind Kind { get; }

    /// <summary>Whether a sender receives its own broadcasts (v1 and the relay: yes; IRC: no).</summary>
    public abstract bool SenderReceivesOwn { get; }

    /// <summary>A line to send now and then so the server keeps an otherwise silent client, or null.</summary>
    public virtual byte[]? Keepalive => null;

    /// <summary>The bytes client <paramref name="index"/> sends right after connecting.</summary>
    public abstract byte[] Greeting(int index);

    /// <summary>What <paramref name="line"/> (newline removed; at most its first 512 bytes) means; <paramref name="reply"/> is sent back when set.</summary>
    public abstract LineVerdict Classify(ReadOnlySpan<byte> line, out byte[]? reply);

    /// <summary>Writes one broadcast line, newline included; returns its length.</summary>
    public abstract int WriteBroadcast(Span<byte> destination, int sender, int number, long timestamp, int padding);

    public static TargetDialect For(TargetKind kind) => kind switch
    {
        TargetKind.Wpb or TargetKind.WpbFile => new WpbDialect(),
        TargetKind.Relay => new RelayDialect(),
        TargetKind.Irc => new IrcDialect(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The name client <paramref name="index"/> registers (valid as a v1 name and an IRC nick).</summary>
    public static string NameOf(int index) => "b" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    protected static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    protected static int Append(Span<byte> destination, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination);
        return bytes.Length;
    }
}
