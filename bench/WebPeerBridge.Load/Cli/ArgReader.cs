using System.Globalization;

namespace WebPeerBridge.Load.Cli;

/// <summary>Reads <c>--name value</c> pairs; every name asked for is ticked off, so leftovers can be reported as unknown.</summary>
internal sealed class ArgReader
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public ArgReader(IEnumerable<string> args)
    {
        string? name = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (name is not null)
                {
                    _values[name] = "true";
                }

                name = arg[2..];
            }
            else if (name is not null)
            {
                _values[name] = arg;
                name = null;
            }
            else
            {
                throw new ArgumentException($"Unexpected argument '{arg}'.");
            }
        }

        if (name is not null)
        {
            _values[name] = "true";
        }
    }

    public string String(string name, string fallback) => Take(name) ?? fallback;

    public string? OptionalString(string name) => Take(name);

    public int Int(string name, int fallback) => Take(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public int? OptionalInt(string name) => Take(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : null;

    public double Double(string name, double fallback) => Take(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public TimeSpan Seconds(string name, double fallback) => TimeSpan.FromSeconds(Double(name, fallback));

    public bool Flag(string name) => Take(name) is { } v && v != "false";

    /// <summary>A comma-separated list of numbers.</summary>
    public IReadOnlyList<double> Doubles(string name, IReadOnlyList<double> fallback) => Take(name) is { } v
        ? [.. v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(x => double.Parse(x, CultureInfo.InvariantCulture))]
        : fallback;

    /// <summary>A comma-separated list of words.</summary>
    public IReadOnlyList<string> Words(string name, IReadOnlyList<string> fallback) => Take(name) is { } v
        ? v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        : fallback;

    public void ThrowIfUnknown()
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException("Unknown option(s): " + string.Join(", ", unknown.Select(u => "--" + u)));
        }
    }

    private string? Take(string name)
    {
        _used.Add(name);
        return _values.TryGetValue(name, out var value) ? value : null;
    }
}
