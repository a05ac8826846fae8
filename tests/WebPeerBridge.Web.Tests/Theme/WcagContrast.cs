using MudBlazor.Utilities;

namespace WebPeerBridge.Web.Tests.Theme;

/// <summary>WCAG 2.x contrast: the ratio of the relative luminances of two colours, from 1:1 to 21:1.</summary>
internal static class WcagContrast
{
    /// <summary>What AA asks of normal text.</summary>
    public const double AA = 4.5;

    public static double Ratio(MudColor a, MudColor b)
    {
        var (la, lb) = (Luminance(a), Luminance(b));
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    public static double Ratio(string a, string b) => Ratio(new MudColor(a), new MudColor(b));

    // https://www.w3.org/TR/WCAG21/#dfn-relative-luminance
    private static double Luminance(MudColor color) =>
        (0.2126 * Channel(color.R)) + (0.7152 * Channel(color.G)) + (0.0722 * Channel(color.B));

    private static double Channel(byte value)
    {
        var c = value / 255.0;
        return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
    }
}
