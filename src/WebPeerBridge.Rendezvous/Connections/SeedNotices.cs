using System.Globalization;
using System.Text;
using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Rendezvous.Connections;

/// <summary>
/// The plain-text notices a seed client shows, and the rule that turns one notice into writes it can read:
/// each at most 1,024 bytes (half its <c>recv(2048)</c>), ending in a newline, and cut only between UTF-8 characters
/// (a cut inside one makes its <c>decode('utf-8')</c> throw, which silences the client for good).
/// </summary>
internal static class SeedNotices
{
    /// <summary>The seed client's read size: its <c>recv(2048)</c>.</summary>
    public const int SeedReadBytes = 2048;

    /// <summary>
    /// Largest write: half a seed read, so that two writes that meet in one read (a reader late by one write interval, as on
    /// a busy machine) still fit it whole. At 2,048 bytes the read took the first write and the start of the next, cut
    /// anywhere, perhaps inside a character.
    /// </summary>
    public const int MaxWriteBytes = SeedReadBytes / 2;

    public static string Welcome(Welcome welcome, string requestedName)
    {
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $"[WebPeerBridge] Welcome! You joined as {welcome.You.Name}");
        // Control characters shown as spaces: a newline in the asked-for name would cut this line in two.
        var asked = string.Create(requestedName.Length, requestedName, (span, name) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = char.IsControl(name[i]) ? ' ' : name[i];
            }
        }).Trim();
        if (!string.Equals(asked, welcome.You.Name, StringComparison.Ordinal))
        {
            builder.Append(CultureInfo.InvariantCulture, $" (you asked for \"{asked}\")");
        }

        builder.Append(CultureInfo.InvariantCulture, $", peer port {welcome.You.Port}.\n");
        builder.Append(CultureInfo.InvariantCulture, $"Online now: {welcome.Peers.Count} other(s)");
        foreach (var peer in welcome.Peers)
        {
            builder.Append('\n').Append(Describe(peer));
        }

        return builder.ToString();
    }

    public static string Joined(PeerInfo peer) => "New peer joined: " + Describe(peer);

    public static string Left(string name, PeerInfo? peer, string reason) =>
        "Peer has left: " + (peer is null ? name : Describe(peer)) + $" ({reason})";

    /// <summary>
    /// A broadcast as <c>name: text</c>; each further line, and each piece of a line too long for one write, as
    /// <c>name| …</c>, so that no line a seed client shows of a broadcast can pass for a notice (a text line
    /// <c>New peer joined: bob 10.66.66.66 …</c> would steer a classic user's <c>conn:</c> elsewhere).
    /// </summary>
    public static string Said(Said said)
    {
        // Room for the text after the prefix in one write, newline included ("name: " and "name| " are as long).
        var room = MaxWriteBytes - 1 - Encoding.UTF8.GetByteCount(said.From) - 2;
        if (!said.Text.Contains('\n', StringComparison.Ordinal) && Encoding.UTF8.GetByteCount(said.Text) <= room)
        {
            return $"{said.From}: {said.Text}";
        }

        var builder = new StringBuilder();
        var first = true;
        foreach (var line in said.Text.Split('\n'))
        {
            foreach (var piece in Pieces(line, room))
            {
                if (!first)
                {
                    builder.Append('\n');
                }

                builder.Append(said.From).Append(first ? ": " : "| ").Append(piece);
                first = false;
            }
        }

        return builder.ToString();
    }

    /// <summary><paramref name="line"/> in pieces of at most <paramref name="room"/> UTF-8 bytes, cut between characters.</summary>
    private static IEnumerable<string> Pieces(string line, int room)
    {
        var piece = new StringBuilder();
        var bytes = 0;
        foreach (var rune in line.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > room && piece.Length > 0)
            {
                yield return piece.ToString();
                piece.Clear();
                bytes = 0;
            }

            piece.Append(rune.ToString());
            bytes += rune.Utf8SequenceLength;
        }

        yield return piece.ToString();
    }

    public static string Error(ErrorFrame error) => $"[WebPeerBridge] {error.Message}";

    // Name, host and peer port: the seed user's only way to learn what to type after conn:.
    private static string Describe(PeerInfo peer) =>
        string.Create(CultureInfo.InvariantCulture, $"{peer.Name} {peer.Host} peer port {peer.Port} (conn:{peer.Host}:{peer.Port})");

    /// <summary>
    /// Appends <paramref name="notice"/> to <paramref name="writes"/> as one or more whole lines of at most
    /// <see cref="MaxWriteBytes"/> bytes each, newline included, cut between lines where it can and only between UTF-8 characters.
    /// </summary>
    public static void Split(string notice, List<byte[]> writes)
    {
        var bytes = Encoding.UTF8.GetBytes(notice.TrimEnd('\n'));
        var start = 0;
        do
        {
            var length = Math.Min(bytes.Length - start, MaxWriteBytes - 1);
            var skip = 0;
            if (start + length < bytes.Length)
            {
                // Cut after a whole line when there is one (the seed shows each read as a line: a peer's line cut in two
                // shows its peer port cut in two), else before the first byte of a character (continuation bytes are 10xxxxxx).
                var eol = bytes.AsSpan(start, length + 1).LastIndexOf((byte)'\n');
                if (eol >= 0)
                {
                    length = eol;
                    skip = 1;
                }
                else
                {
                    while (length > 0 && (bytes[start + length] & 0xC0) == 0x80)
                    {
                        length--;
                    }
                }
            }

            var piece = new byte[length + 1];
            bytes.AsSpan(start, length).CopyTo(piece);
            piece[length] = (byte)'\n';
            writes.Add(piece);
            start += length + skip;
        }
        while (start < bytes.Length);
    }
}
