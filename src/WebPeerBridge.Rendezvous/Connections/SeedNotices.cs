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

    public static string Said(Said said) => $"{said.From}: {said.Text}";

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
