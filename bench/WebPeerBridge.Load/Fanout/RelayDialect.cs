namespace WebPeerBridge.Load.Fanout;

/// <summary>The raw relay: it sends <c>ready</c> on accept, then every line any client writes.</summary>
internal sealed class RelayDialect : TargetDialect
{
    public override TargetKind Kind => TargetKind.Relay;

    public override bool SenderReceivesOwn => true;

    public override byte[] Greeting(int index) => [];

    public override LineVerdict Classify(ReadOnlySpan<byte> line, out byte[]? reply)
    {
        reply = null;
        if (line.StartsWith("~ts:"u8))
        {
            return LineVerdict.Broadcast;
        }

        return line.SequenceEqual("ready"u8) ? LineVerdict.Ready : LineVerdict.Other;
    }

    public override int WriteBroadcast(Span<byte> destination, int sender, int number, long timestamp, int padding)
    {
        var at = BenchPayload.Write(destination, timestamp, sender, number, padding);
        destination[at++] = (byte)'\n';
        return at;
    }
}
