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

    [Fact]
    public void A_name_is_drawn_in_the_colour_of_the_theme_shown()
    {
        var variable = NameColors.TextFor("carol");

        Assert.StartsWith("var(--wpb-name-", variable, StringComparison.Ordinal);
        var index = variable["var(--wpb-name-".Length..^1];
        Assert.Contains($"--wpb-name-{index}:{NameColors.Dark[int.Parse(index, System.Globalization.CultureInfo.InvariantCulture)]};", NameColors.Css(dark: true), StringComparison.Ordinal);
        Assert.Contains($"--wpb-name-{index}:{NameColors.Light[int.Parse(index, System.Globalization.CultureInfo.InvariantCulture)]};", NameColors.Css(dark: false), StringComparison.Ordinal);
    }

    private static Palette PaletteOf(string theme) => theme == "dark" ? BridgeTheme.Theme.PaletteDark : BridgeTheme.Theme.PaletteLight;

    private static void AssertReadable(MudColor text, MudColor background, string what) => AssertRatio(WcagContrast.Ratio(text, background), what);

    private static void AssertReadable(string text, MudColor background, string what) => AssertReadable(new MudColor(text), background, what);

    private static void AssertReadable(string text, string background, string what) => AssertReadable(new MudColor(text), new MudColor(background), what);

    private static void AssertRatio(double ratio, string what) =>
        Assert.True(ratio >= WcagContrast.AA, $"{what}: {ratio:0.00}:1, below {WcagContrast.AA}:1");
}
