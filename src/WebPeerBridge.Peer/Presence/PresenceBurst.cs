namespace WebPeerBridge.Peer.Presence;

/// <summary>
/// Joins or leaves that came together, as one quiet line shows them ("ana, bo and 3 others joined"): the first few
/// names and a count, so a burst costs the same for 3 people or 300.
/// </summary>
/// <param name="Id">Unique within the agent; a burst that grows keeps its id.</param>
/// <param name="Joined">Joins, else leaves.</param>
/// <param name="Names">The first <see cref="NamesKept"/> names, in order.</param>
/// <param name="Count">How many joined or left.</param>
/// <param name="At">When the first of them did.</param>
/// <param name="Reason">The server's reason for a single leave (<c>LeftReasons</c>), if any.</param>
public sealed record PresenceBurst(long Id, bool Joined, IReadOnlyList<string> Names, int Count, DateTimeOffset At, string? Reason)
{
    /// <summary>How many names a burst spells out; the rest are counted.</summary>
    public const int NamesKept = 3;
}
