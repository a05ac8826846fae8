using System.Globalization;
using System.Security.Cryptography;

namespace WebPeerBridge.Peer.Conversations;

/// <summary>
/// Ids of own messages and system lines. A random part per agent keeps them apart from the ids an earlier agent with
/// the same name used (its broadcasts come back in the history, its dms may still sit in a peer's conversation).
/// </summary>
internal sealed class MessageIds
{
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
    private readonly string _prefix = RandomPart(5);
    private long _next;

    public string NextBroadcast() => $"b-{_prefix}-{Next()}";

    public string NextDirect() => $"d-{_prefix}-{Next()}";

    // With the prefix: a restored conversation holds the system lines of the agent before this one.
    public string NextSystem() => $"sys-{_prefix}-{Next()}";

    /// <summary>The key of a received broadcast: its seq, unique on the server.</summary>
    public static string ForSaid(long seq) => "s-" + seq.ToString(CultureInfo.InvariantCulture);

    /// <summary>The key of a received dm: never equal to an own id (those start with <c>d-</c>).</summary>
    public static string ForReceivedDm(string wireId) => "in-" + wireId;

    private string Next() => Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);

    private static string RandomPart(int length) =>
        string.Create(length, 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
            }
        });
}
