using System.Buffers;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Serialization;

namespace WebPeerBridge.Rendezvous.Fanout;

/// <summary>
/// A welcome on its way to one client. For v1 its line is the welcome serialized with an empty <c>peers</c> list, and
/// the peers' bytes (a slice of <see cref="PeerListLine"/>, shared with every other welcome) are written between the
/// brackets: the same bytes as the whole welcome serialized at once (tested). <see cref="Frame"/> is what a dialect
/// that renders frames itself (seed) reads; for v1 its <c>Peers</c> is empty.
/// </summary>
internal sealed class WelcomeLine
{
    private static readonly byte[] s_emptyPeers = ",\"peers\":[]"u8.ToArray();

    private readonly byte[]? _line;
    private readonly int _peersAt;
    private readonly ReadOnlyMemory<byte> _peers;

    private WelcomeLine(Welcome frame, byte[]? line, int peersAt, ReadOnlyMemory<byte> peers)
    {
        Frame = frame;
        _line = line;
        _peersAt = peersAt;
        _peers = peers;
    }

    public Welcome Frame { get; }

    /// <summary>Bytes <see cref="WriteTo"/> writes (0 for a welcome its dialect renders itself).</summary>
    public int Length => _line is null ? 0 : _line.Length + _peers.Length;

    /// <summary>A welcome whose dialect renders <paramref name="frame"/> itself.</summary>
    public static WelcomeLine Unrendered(Welcome frame) => new(frame, null, 0, ReadOnlyMemory<byte>.Empty);

    /// <summary>The v1 line of <paramref name="withoutPeers"/> (its <c>Peers</c> empty) with <paramref name="peers"/> spliced in.</summary>
    public static WelcomeLine Spliced(Welcome withoutPeers, ReadOnlyMemory<byte> peers)
    {
        if (withoutPeers.Peers.Count != 0)
        {
            throw new ArgumentException("The peers come as bytes; the frame lists none.", nameof(withoutPeers));
        }

        var line = FrameCodec.ToLine(withoutPeers);

        // The first match is the property: "you" comes before it, and a quote inside a string is escaped.
        var at = line.AsSpan().IndexOf(s_emptyPeers);
        if (at < 0)
        {
            throw new InvalidOperationException("A welcome line without its peers property.");
        }

        return new WelcomeLine(withoutPeers, line, at + s_emptyPeers.Length - 1, peers);
    }

    /// <summary>Writes the line, newline included.</summary>
    public void WriteTo(IBufferWriter<byte> output)
    {
        if (_line is null)
        {
            throw new InvalidOperationException("This welcome is rendered by its dialect.");
        }

        output.Write(_line.AsSpan(0, _peersAt));
        output.Write(_peers.Span);
        output.Write(_line.AsSpan(_peersAt));
    }
}
