using System.Buffers.Text;

namespace WebPeerBridge.Load.Fanout;

/// <summary>Protocol v1 of the rendezvous server: hello, welcome, say, said.</summary>
internal sealed class WpbDialect : TargetDialect
{
    private static readonly byte[] s_ping = Ascii("{\"type\":\"ping\"}\n");

    public override TargetKind Kind => TargetKind.Wpb;

    public override bool SenderReceivesOwn => true;

    public override byte[]? Keepalive => s_ping;

    public override byte[] Greeting(int index) =>
        Ascii($"{{\"type\":\"hello\",\"version\":1,\"name\":\"{NameOf(index)}\",\"peerPort\":{20000 + (index % 40000)}}}\n");

    public override LineVerdict Classify(ReadOnlySpan<byte> line, out byte[]? reply)
    {
        reply = null;
        // The codec writes "type" first; a welcome's history may hold earlier payloads, so only a said counts.
        if (line.StartsWith("{\"type\":\"said\""u8))
        {
            return LineVerdict.Broadcast;
        }

        if (line.StartsWith("{\"type\":\"welcome\""u8))
        {
            return LineVerdict.Ready;
        }

        return line.StartsWith("{\"type\":\"error\""u8) ? LineVerdict.Error : LineVerdict.Other;
    }

    public override int WriteBroadcast(Span<byte> destination, int sender, int number, long timestamp, int padding)
    {
        var at = Append(destination, "{\"type\":\"say\",\"id\":\"m"u8);
        Utf8Formatter.TryFormat(number, destination[at..], out var written);
        at += written;
        at += Append(destination[at..], "\",\"text\":\""u8);
        at += BenchPayload.Write(destination[at..], timestamp, sender, number, padding);
        at += Append(destination[at..], "\"}\n"u8);
        return at;
    }
}
