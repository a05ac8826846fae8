using System.Globalization;
using System.Text;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Validation;

namespace WebPeerBridge.Rendezvous.Fanout;

/// <summary>
/// The name a classic client gets (DESIGN.md: adapted, not refused): its adapted name when that is free, else the first
/// free of <c>-2</c>, <c>-3</c>… The search for one adapted name starts where the last one ended, so 3,000 classic clients
/// called x cost one step each, not 1 + 2 + … + 3,000 (DESIGN.md: no quadratic suffix search). One instance per hub, for
/// the embedded and the clustered hub alike; used by the hub's loop only.
/// </summary>
internal sealed class SeedNameSearch
{
    // Only where to start searching: past this many adapted names it is forgotten (a search then starts at -2 once).
    private const int MaxRemembered = 10_000;

    // The next suffix to try per adapted name; forgotten once the name itself is free again.
    private readonly Dictionary<string, int> _nextSuffix = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The first candidate for <paramref name="requested"/> that <paramref name="tryTake"/> takes (true: it is this client's
    /// now), asking about each candidate once, in order.
    /// </summary>
    public async ValueTask<string> FindAsync(string requested, Func<string, ValueTask<bool>> tryTake)
    {
        var name = TextRules.AdaptName(requested);
        if (await tryTake(name).ConfigureAwait(false))
        {
            _nextSuffix.Remove(name);
            return name;
        }

        for (var n = _nextSuffix.GetValueOrDefault(name, 2); ; n++)
        {
            var suffix = "-" + n.ToString(CultureInfo.InvariantCulture);
            var candidate = TruncateScalars(name, ProtocolLimits.MaxNameLength - suffix.Length) + suffix;
            if (await tryTake(candidate).ConfigureAwait(false))
            {
                if (_nextSuffix.Count >= MaxRemembered && !_nextSuffix.ContainsKey(name))
                {
                    _nextSuffix.Clear();
                }

                _nextSuffix[name] = n + 1;
                return candidate;
            }
        }
    }

    private static string TruncateScalars(string text, int max)
    {
        var builder = new StringBuilder();
        var count = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (count++ == max)
            {
                break;
            }

            builder.Append(rune.ToString());
        }

        return builder.ToString();
    }
}
