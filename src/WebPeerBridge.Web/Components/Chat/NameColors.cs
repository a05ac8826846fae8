namespace WebPeerBridge.Web.Components.Chat;

/// <summary>A stable color per name (as chat clients do), readable on light and dark backgrounds.</summary>
internal static class NameColors
{
    private static readonly string[] Palette =
    [
        "#2f7d32", "#c2410c", "#7c3aed", "#0e7490", "#b91c1c", "#4d7c0f", "#a21caf", "#1d4ed8", "#b45309", "#0f766e",
    ];

    public static string For(string name)
    {
        // FNV-1a over the lowercased name: stable across processes (string.GetHashCode is not).
        var hash = 2166136261u;
        foreach (var c in name.ToLowerInvariant())
        {
            hash = (hash ^ c) * 16777619u;
        }

        return Palette[hash % (uint)Palette.Length];
    }
}
