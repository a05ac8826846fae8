namespace WebPeerBridge.Load.Fanout;

/// <summary>RFC 1459 as InspIRCd speaks it: NICK and USER, JOIN #bench after 001, ready at the end of NAMES (366).</summary>
internal sealed class IrcDialect : TargetDialect
{
    public const string Channel = "#bench";

    private static readonly byte[] s_join = Ascii($"JOIN {Channel}\r\n");

    public override TargetKind Kind => TargetKind.Irc;

    public override bool SenderReceivesOwn => false;

    public override byte[] Greeting(int index) => Ascii($"NICK {NameOf(index)}\r\nUSER {NameOf(index)} 0 * :bench\r\n");

    public override LineVerdict Classify(ReadOnlySpan<byte> line, out byte[]? reply)
    {
        reply = null;
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        // [":" prefix " "] command params
        var rest = line;
        if (rest.Length > 0 && rest[0] == (byte)':')
        {
            var space = rest.IndexOf((byte)' ');
            if (space < 0)
            {
                return LineVerdict.Other;
            }

            rest = rest[(space + 1)..];
        }

        var end = rest.IndexOf((byte)' ');
        var command = end < 0 ? rest : rest[..end];
        if (command.SequenceEqual("PRIVMSG"u8))
        {
            return LineVerdict.Broadcast;
        }

        if (command.SequenceEqual("PING"u8))
        {
            var token = end < 0 ? [] : rest[(end + 1)..];
            reply = [.. "PONG "u8, .. token, .. "\r\n"u8];
            return LineVerdict.Other;
        }

        if (command.SequenceEqual("001"u8))
        {
            reply = s_join;
            return LineVerdict.Other;
        }

        if (command.SequenceEqual("366"u8))
        {
            return LineVerdict.Ready;
        }

        return command.SequenceEqual("ERROR"u8) || IsRefusal(command) ? LineVerdict.Error : LineVerdict.Other;
    }

    // Refusals of the nick (432, 433, 436), the join (403, 405, 471, 473, 474, 475), a message (404) or a command (451).
    private static bool IsRefusal(ReadOnlySpan<byte> command) =>
        command.SequenceEqual("432"u8) || command.SequenceEqual("433"u8) || command.SequenceEqual("436"u8)
        || command.SequenceEqual("403"u8) || command.SequenceEqual("405"u8) || command.SequenceEqual("471"u8)
        || command.SequenceEqual("473"u8) || command.SequenceEqual("474"u8) || command.SequenceEqual("475"u8)
        || command.SequenceEqual("404"u8) || command.SequenceEqual("451"u8);

    public override int WriteBroadcast(Span<byte> destination, int sender, int number, long timestamp, int padding)
    {
        var at = Append(destination, "PRIVMSG #bench :"u8);
        at += BenchPayload.Write(destination[at..], timestamp, sender, number, padding);
        at += Append(destination[at..], "\r\n"u8);
        return at;
    }
}
