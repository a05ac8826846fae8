namespace WebPeerBridge.Web.Components.Chat;

/// <summary>
/// What marks a line that mentions the person: a warm tint behind the line (<see cref="Tint"/>, a CSS variable set by
/// <see cref="Css"/>) on which every name colour and the text still reach WCAG AA (4.5:1), and a mark and counts drawn
/// in the palette's Warning under its contrast text (<c>--mud-palette-warning</c>, <c>--mud-palette-warning-text</c>).
/// </summary>
internal static class MentionColors
{
    /// <summary>Behind a mention in the light theme (amber-50: the names keep 4.8:1 or more).</summary>
    public const string LightTint = "#fffbeb";

    /// <summary>Behind a mention in the dark theme (a warm shade of the dark Surface: the names keep 4.9:1 or more).</summary>
    public const string DarkTint = "#332d1f";

    public static string Tint(bool dark) => dark ? DarkTint : LightTint;

    /// <summary>The CSS variable site.css draws the tint from, for the theme shown.</summary>
    public static string Css(bool dark) => $":root{{--wpb-mention-tint:{Tint(dark)};}}";
}
