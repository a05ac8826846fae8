using MudBlazor;
using MudBlazor.Utilities;
using WebPeerBridge.Web.Components.Chat;
using WebPeerBridge.Web.Components.Layout;

namespace WebPeerBridge.Web.Tests.Theme;

/// <summary>
/// Every colour the chat draws text in, against what it is drawn on, reaches WCAG AA (4.5:1) in both themes: the names,
/// the filled chips ("Online", "Reconnecting…"), the avatars' letters and the palette's text.
/// </summary>
public sealed class ContrastTests
{
    public static TheoryData<string> Themes => ["light", "dark"];

    [Fact]
    public void The_ratio_is_the_one_WCAG_defines()
    {
        Assert.Equal(21, WcagContrast.Ratio("#000000", "#ffffff"), 2);
        Assert.Equal(4.48, WcagContrast.Ratio("#777777", "#ffffff"), 2);
        Assert.Equal(WcagContrast.Ratio("#4ade80", "#ffffff"), WcagContrast.Ratio("#ffffff", "#4ade80"), 6);
        Assert.True(WcagContrast.Ratio("#4ade80", "#ffffff") < 1.8); // the dark theme's old "Online" chip
    }

    [Theory]
    [MemberData(nameof(Themes))]
    public void Every_name_colour_reaches_AA_on_the_backgrounds_of_its_theme(string theme)
    {
        var palette = PaletteOf(theme);
        var names = theme == "dark" ? NameColors.Dark : NameColors.Light;

        Assert.Equal(NameColors.Light.Count, names.Count);
        foreach (var name in names)
        {
            AssertReadable(name, palette.Background, $"name {name} on Background");
            AssertReadable(name, palette.Surface, $"name {name} on Surface");
        }
    }

    [Fact]
    public void An_avatar_letter_reaches_AA_on_every_avatar_colour()
    {
        foreach (var avatar in NameColors.Light)
        {
            AssertReadable("#ffffff", avatar, $"white letter on avatar {avatar}");
        }
    }

    [Theory]
    [MemberData(nameof(Themes))]
    public void Filled_chips_and_buttons_reach_AA_under_their_contrast_text(string theme)
    {
        var p = PaletteOf(theme);
        (string Name, MudColor Fill, MudColor Text)[] chips =
        [
            ("Primary", p.Primary, p.PrimaryContrastText),
            ("Secondary", p.Secondary, p.SecondaryContrastText),
            ("Tertiary", p.Tertiary, p.TertiaryContrastText),
            ("Info", p.Info, p.InfoContrastText),
            ("Success (Online)", p.Success, p.SuccessContrastText),
            ("Warning (Reconnecting)", p.Warning, p.WarningContrastText),
            ("Error (Closed)", p.Error, p.ErrorContrastText),
        ];
        foreach (var (name, fill, text) in chips)
        {
            AssertReadable(text, fill, $"{name} chip");
        }
    }

    [Theory]
    [MemberData(nameof(Themes))]
    public void Text_reaches_AA_on_the_backgrounds_it_is_drawn_on(string theme)
    {
        var p = PaletteOf(theme);
        AssertReadable(p.TextPrimary, p.Background, "TextPrimary on Background");
        AssertReadable(p.TextPrimary, p.Surface, "TextPrimary on Surface");
        AssertReadable(p.TextSecondary, p.Background, "TextSecondary on Background");
        AssertReadable(p.TextSecondary, p.Surface, "TextSecondary on Surface");
        AssertReadable(p.AppbarText, p.AppbarBackground, "AppbarText on AppbarBackground");
        AssertReadable(p.DrawerText, p.DrawerBackground, "DrawerText on DrawerBackground");
        AssertReadable(p.Primary, p.Surface, "Primary (links, text buttons) on Surface");
        AssertReadable(p.Error, p.Surface, "Error (field errors) on Surface");
    }

    [Theory]
    [MemberData(nameof(Themes))]
    public void Every_name_colour_and_the_text_reach_AA_on_a_line_that_mentions_me(string theme)
    {
        var p = PaletteOf(theme);
        var tint = MentionColors.Tint(dark: theme == "dark");

        foreach (var name in theme == "dark" ? NameColors.Dark : NameColors.Light)
        {
            AssertReadable(name, tint, $"name {name} on the mention tint {tint}");
        }

        AssertReadable(p.TextPrimary, new MudColor(tint), "TextPrimary (the line's text) on the mention tint");
        AssertReadable(p.TextSecondary, new MudColor(tint), "TextSecondary (the line's time) on the mention tint");
    }

    [Theory]
    [MemberData(nameof(Themes))]
    public void The_mention_mark_and_the_mention_counts_reach_AA(string theme)
    {
        var p = PaletteOf(theme);

        AssertReadable(p.WarningContrastText, p.Warning, "the mention mark and counts (warning text on warning)");
    }

    [Fact]
    public void The_stylesheet_draws_mentions_in_the_colours_checked_here()
    {
        var css = File.ReadAllText(SiteCss());

        Assert.Equal(("var(--wpb-mention-tint)", null), Colours(css, ".wpb-line-mention"));
        Assert.Equal(("var(--mud-palette-warning)", "var(--mud-palette-warning-text)"), Colours(css, ".wpb-mention-mark"));
        Assert.Equal(("var(--mud-palette-warning)", "var(--mud-palette-warning-text)"), Colours(css, ".wpb-mentions-count"));
        Assert.Contains($"--wpb-mention-tint:{MentionColors.LightTint};", MentionColors.Css(dark: false), StringComparison.Ordinal);
        Assert.Contains($"--wpb-mention-tint:{MentionColors.DarkTint};", MentionColors.Css(dark: true), StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_is_drawn_in_the_colour_of_the_theme_shown()
    {
        var variable = NameColors.TextFor("carol");

        Assert.StartsWith("var(--wpb-name-", variable, StringComparison.Ordinal);
        var index = variable["var(--wpb-name-".Length..^1];
        Assert.Contains($"--wpb-name-{index}:{NameColors.Dark[int.Parse(index, System.Globalization.CultureInfo.InvariantCulture)]};", NameColors.Css(dark: true), StringComparison.Ordinal);
        Assert.Contains($"--wpb-name-{index}:{NameColors.Light[int.Parse(index, System.Globalization.CultureInfo.InvariantCulture)]};", NameColors.Css(dark: false), StringComparison.Ordinal);
    }

    // The background and colour a rule of site.css sets (null: it sets none).
    private static (string? Background, string? Color) Colours(string css, string selector)
    {
        var rule = System.Text.RegularExpressions.Regex.Match(css, $@"(?m)^{System.Text.RegularExpressions.Regex.Escape(selector)}\s*\{{(?<body>[^}}]*)\}}");
        Assert.True(rule.Success, $"site.css has no rule {selector}");
        var body = rule.Groups["body"].Value;
        string? Value(string property) =>
            System.Text.RegularExpressions.Regex.Match(body, $@"(?m)^\s*{property}\s*:\s*(?<v>[^;]+);") is { Success: true } m ? m.Groups["v"].Value.Trim() : null;
        return (Value("background"), Value("color"));
    }

    private static string SiteCss()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var css = Path.Combine(folder.FullName, "wwwroot-assets", "site.css");
            if (File.Exists(css))
            {
                return css;
            }
        }

        throw new FileNotFoundException("wwwroot-assets/site.css is not above the test's folder.");
    }

    private static Palette PaletteOf(string theme) => theme == "dark" ? BridgeTheme.Theme.PaletteDark : BridgeTheme.Theme.PaletteLight;

    private static void AssertReadable(MudColor text, MudColor background, string what) => AssertRatio(WcagContrast.Ratio(text, background), what);

    private static void AssertReadable(string text, MudColor background, string what) => AssertReadable(new MudColor(text), background, what);

    private static void AssertReadable(string text, string background, string what) => AssertReadable(new MudColor(text), new MudColor(background), what);

    private static void AssertRatio(double ratio, string what) =>
        Assert.True(ratio >= WcagContrast.AA, $"{what}: {ratio:0.00}:1, below {WcagContrast.AA}:1");
}
