using System.Globalization;

namespace WebPeerBridge.Web.Components.Chat;

/// <summary>
/// Joins or leaves that came together, as one quiet line ("ana, bo and 3 others joined"). Built in the log from the
/// agent's presence changes: the agent stores no line per join.
/// </summary>
public sealed record QuietLine(string Key, bool Joined, IReadOnlyList<string> Names, int Count, DateTimeOffset At, string? Reason)
{
    /// <summary>How many names the line spells out; the rest are counted.</summary>
    public const int NamesShown = 3;

    /// <summary>Joins or leaves this close after the line's first one join it.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public string Text
    {
        get
        {
            var who = Count switch
            {
                1 => Names[0],
                2 => $"{Names[0]} and {Names[1]}",
                3 => $"{Names[0]}, {Names[1]} and {Names[2]}",
                _ => $"{Names[0]}, {Names[1]} and {(Count - 2).ToString(CultureInfo.InvariantCulture)} others",
            };
            var why = Count == 1 && Reason is { Length: > 0 } reason ? $" ({reason})" : "";
            return $"{who} {(Joined ? "joined" : "left")}{why}";
        }
    }

    /// <summary>Whether more of the same kind, at <paramref name="at"/>, condense into this line.</summary>
    public bool Takes(bool joined, DateTimeOffset at) => joined == Joined && at - At <= Window;

    /// <summary>This line with <paramref name="names"/> more.</summary>
    public QuietLine With(IEnumerable<string> names)
    {
        var shown = Names.ToList();
        var count = Count;
        foreach (var name in names)
        {
            count++;
            if (shown.Count < NamesShown)
            {
                shown.Add(name);
            }
        }

        return this with { Names = shown, Count = count, Reason = null };
    }
}
