using System.Text;

namespace WebPeerBridge.Web.Components.Chat;

/// <summary>
/// A stable colour per name (as chat clients do). A name's text takes its theme's colour (<see cref="TextFor"/>, a CSS
/// variable set by <see cref="Css"/>): each reaches WCAG AA (4.5:1) on that theme's backgrounds. Avatars take the light
/// colour in both themes (<see cref="For"/>), under a white letter.
/// </summary>
internal static class NameColors
{
    /// <summary>On the light theme's backgrounds; also the avatars' colours, under white.</summary>
    public static IReadOnlyList<string> Light { get; } =
    [
        "#2f7d32", "#c2410c", "#7c3aed", "#0e7490", "#b91c1c", "#4d7c0f", "#a21caf", "#1d4ed8", "#b45309", "#0f766e",
    ];

    /// <summary>On the dark theme's backgrounds: the same hues, lighter.</summary>
    public static IReadOnlyList<string> Dark { get; } =
    [
        "#4ade80", "#fb923c", "#a78bfa", "#22d3ee", "#f87171", "#a3e635", "#e879f9", "#60a5fa", "#fbbf24", "#2dd4bf",
    ];

    /// <summary>The avatar colour of <paramref name="name"/>.</summary>
    public static string For(string name) => Light[Index(name)];

    /// <summary>The colour of <paramref name="name"/> as text, in the theme shown.</summary>
    public static string TextFor(string name) => $"var(--wpb-name-{Index(name)})";

    /// <summary>The CSS variables <see cref="TextFor"/> names, for the light or the dark theme.</summary>
    public static string Css(bool dark)
    {
        var colors = dark ? Dark : Light;
        var css = new StringBuilder(":root{");
        for (var i = 0; i < colors.Count; i++)
        {
            css.Append("--wpb-name-").Append(i).Append(':').Append(colors[i]).Append(';');
        }

        return css.Append('}').ToString();
    }

    private static int Index(string name)
    {
        // FNV-1a over the lowercased name: stable across processes (string.GetHashCode is not).
        var hash = 2166136261u;
        foreach (var c in name.ToLowerInvariant())
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)Light.Count);
    }
}
