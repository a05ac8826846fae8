using System.Globalization;
using System.Reflection;
using System.Text;

namespace WebPeerBridge.Protocol.Validation;

/// <summary>
/// Names that look alike are one name (DESIGN.md): the confusable skeleton of UTS #39 after NFKC and lower-casing, so
/// <c>аlice</c> (Cyrillic а), <c>ａｌｉｃｅ</c>, <c>𝐚𝐥𝐢𝐜𝐞</c> and <c>alıce</c> all have the key of <c>alice</c>; and the
/// "Highly Restrictive" check of UTS #39 §5.2 (one script, or Latin with Han and Japanese kana, Bopomofo or Hangul).
/// The Unicode data (confusables.txt of Unicode 14, Scripts.txt and ScriptExtensions.txt of Unicode 15) is shipped in
/// this assembly and read once, at first use.
/// </summary>
public static class NameSkeletons
{
    private static readonly Lazy<Dictionary<int, string>> Confusables = new(LoadConfusables);
    private static readonly Lazy<ScriptTable> Scripts = new(ScriptTable.Load);

    /// <summary>The key names are unique by: equal keys mean names a reader cannot tell apart.</summary>
    public static string Key(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        // Lower-cased first: names are unique ignoring case, and the skeleton itself is case-sensitive.
        var folded = name.Normalize(NormalizationForm.FormKC).ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var map = Confusables.Value;
        var builder = new StringBuilder(folded.Length);
        foreach (var rune in folded.EnumerateRunes())
        {
            builder.Append(map.TryGetValue(rune.Value, out var prototype) ? prototype : rune.ToString());
        }

        return builder.ToString().Normalize(NormalizationForm.FormD);
    }

    /// <summary>
    /// Whether <paramref name="name"/> is at UTS #39's Highly Restrictive level: all of one script (characters common
    /// to all scripts aside), or Latin with Han and Hiragana/Katakana, Han and Bopomofo, or Han and Hangul.
    /// </summary>
    public static bool IsHighlyRestrictive(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var table = Scripts.Value;
        HashSet<string>? all = null;
        HashSet<string>? nonLatin = null;
        foreach (var rune in name.Normalize(NormalizationForm.FormKC).EnumerateRunes())
        {
            if (table.Augmented(rune.Value) is not { } scripts)
            {
                continue; // Common or Inherited: goes with any script.
            }

            Intersect(ref all, scripts);
            if (!scripts.Contains("Latn"))
            {
                Intersect(ref nonLatin, scripts);
            }
        }

        if (all is null || all.Count > 0)
        {
            return true; // One script (its resolved set is not empty).
        }

        // Latin plus one of the three East Asian combinations.
        return nonLatin is not null && (nonLatin.Contains("Jpan") || nonLatin.Contains("Hanb") || nonLatin.Contains("Kore"));
    }

    /// <summary>
    /// <paramref name="name"/> without the letters that are not of the script its first letter sets (characters common
    /// to all scripts kept): a name adapted for a client that cannot be asked again (the seed client) stays Highly Restrictive.
    /// </summary>
    internal static string KeepOneScript(string name)
    {
        var table = Scripts.Value;
        HashSet<string>? resolved = null;
        var builder = new StringBuilder(name.Length);
        foreach (var rune in name.EnumerateRunes())
        {
            if (table.Augmented(rune.Value) is { } scripts)
            {
                if (resolved is null)
                {
                    resolved = scripts;
                }
                else if (resolved.Overlaps(scripts))
                {
                    resolved.IntersectWith(scripts);
                }
                else
                {
                    continue;
                }
            }

            builder.Append(rune.ToString());
        }

        return builder.ToString();
    }

    private static void Intersect(ref HashSet<string>? set, IReadOnlySet<string> scripts)
    {
        if (set is null)
        {
            set = [.. scripts];
        }
        else
        {
            set.IntersectWith(scripts);
        }
    }

    private static Dictionary<int, string> LoadConfusables()
    {
        var map = new Dictionary<int, string>();
        foreach (var line in ReadLines("WebPeerBridge.Protocol.confusables.txt"))
        {
            // 0430 ;	0061 ;	MA	# ( а → a ) …
            var fields = line.Split(';');
            if (fields.Length < 3)
            {
                continue;
            }

            var source = int.Parse(fields[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var target = new StringBuilder();
            foreach (var code in fields[1].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                target.Append(char.ConvertFromUtf32(int.Parse(code, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            }

            map[source] = target.ToString();
        }

        return map;
    }

    internal static IEnumerable<string> ReadLines(string resource)
    {
        using var stream = typeof(NameSkeletons).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The Unicode data {resource} is missing from the assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            var data = line.Split('#', 2)[0].Trim().TrimStart('\uFEFF');
            if (data.Length > 0)
            {
                yield return data;
            }
        }
    }

    /// <summary>The scripts of each code point (Script_Extensions where given, else Script), augmented as UTS #39 §5.1 says.</summary>
    private sealed class ScriptTable
    {
        // Script_Extensions first (they override Script), then the Script ranges sorted for a binary search.
        private readonly List<(int First, int Last, HashSet<string> Scripts)> _extensions;
        private readonly (int First, int Last, HashSet<string> Scripts)[] _scripts;

        private ScriptTable(List<(int, int, HashSet<string>)> extensions, (int, int, HashSet<string>)[] scripts)
        {
            _extensions = extensions;
            _scripts = scripts;
        }

        public static ScriptTable Load()
        {
            var extensions = new Dictionary<(int, int), HashSet<string>>();
            foreach (var (first, last, value) in Parse("WebPeerBridge.Protocol.ScriptExtensions.txt"))
            {
                extensions[(first, last)] = [.. value.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
            }

            var aliases = LoadAliases();
            var ranges = new List<(int, int, HashSet<string>)>();
            foreach (var (first, last, value) in Parse("WebPeerBridge.Protocol.Scripts.txt"))
            {
                ranges.Add((first, last, [aliases.GetValueOrDefault(value, value)]));
            }

            return new ScriptTable([.. extensions.Select(e => (e.Key.Item1, e.Key.Item2, e.Value))], [.. ranges.OrderBy(r => r.Item1)]);
        }

        private HashSet<string>? Find(int codePoint)
        {
            foreach (var (first, last, scripts) in _extensions)
            {
                if (codePoint >= first && codePoint <= last)
                {
                    return scripts;
                }
            }

            int low = 0, high = _scripts.Length - 1;
            while (low <= high)
            {
                var middle = (low + high) / 2;
                var (first, last, scripts) = _scripts[middle];
                if (codePoint < first)
                {
                    high = middle - 1;
                }
                else if (codePoint > last)
                {
                    low = middle + 1;
                }
                else
                {
                    return scripts;
                }
            }

            return null;
        }

        /// <summary>The augmented script set of <paramref name="codePoint"/>; null for Common and Inherited (any script).</summary>
        public HashSet<string>? Augmented(int codePoint)
        {
            // Unassigned code points are no letters: the name rule refuses them anyway.
            if (Find(codePoint) is not { } scripts || scripts.Contains("Zyyy") || scripts.Contains("Zinh"))
            {
                return null;
            }

            var augmented = new HashSet<string>(scripts);
            if (scripts.Contains("Hani"))
            {
                augmented.UnionWith(["Hanb", "Jpan", "Kore"]);
            }

            if (scripts.Contains("Hira") || scripts.Contains("Kana"))
            {
                augmented.Add("Jpan");
            }

            if (scripts.Contains("Hang"))
            {
                augmented.Add("Kore");
            }

            if (scripts.Contains("Bopo"))
            {
                augmented.Add("Hanb");
            }

            return augmented;
        }

        private static IEnumerable<(int First, int Last, string Value)> Parse(string resource)
        {
            foreach (var line in ReadLines(resource))
            {
                var fields = line.Split(';');
                var span = fields[0].Trim().Split("..");
                var first = int.Parse(span[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                var last = span.Length > 1 ? int.Parse(span[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) : first;
                yield return (first, last, fields[1].Trim());
            }
        }

        // Scripts.txt names scripts in full (Latin), ScriptExtensions.txt by their ISO 15924 codes (Latn):
        // PropertyValueAliases.txt's sc lines give one for the other.
        private static Dictionary<string, string> LoadAliases()
        {
            var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in ReadLines("WebPeerBridge.Protocol.ScriptAliases.txt"))
            {
                // sc ; Latn ; Latin
                var fields = line.Split(';');
                if (fields.Length >= 3)
                {
                    aliases[fields[2].Trim()] = fields[1].Trim();
                }
            }

            return aliases;
        }
    }
}
