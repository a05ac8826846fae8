using MudBlazor;

namespace WebPeerBridge.Web.Components.Layout;

/// <summary>The app's MudBlazor theme: a dark slate sidebar beside a light (or dark) chat, and the system font stack.</summary>
internal static class BridgeTheme
{
    private static readonly string[] FontStack =
        ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Noto Sans", "Liberation Sans", "Helvetica Neue", "Arial", "sans-serif"];

    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            // Each colour reaches 4.5:1 under its contrast text (filled chips, buttons) and on Surface (as text).
            Primary = "#4f5bd5",
            Secondary = "#0f766e",
            Tertiary = "#c2410c",
            Info = "#2563eb",
            Success = "#15803d",
            Warning = "#b45309",
            Error = "#b91c1c",
            PrimaryContrastText = "#ffffff",
            SecondaryContrastText = "#ffffff",
            TertiaryContrastText = "#ffffff",
            InfoContrastText = "#ffffff",
            SuccessContrastText = "#ffffff",
            WarningContrastText = "#ffffff",
            ErrorContrastText = "#ffffff",
            Background = "#f4f5f8",
            Surface = "#ffffff",
            AppbarBackground = "#ffffff",
            AppbarText = "#1f2937",
            DrawerBackground = "#1f2937",
            DrawerText = "#e5e7eb",
            DrawerIcon = "#9ca3af",
            TextPrimary = "#1f2937",
            TextSecondary = "#5b6472",
            ActionDefault = "#4b5563",
            LinesDefault = "#e5e7eb",
            Divider = "#e5e7eb",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8e97ff",
            Secondary = "#2dd4bf",
            Tertiary = "#fb923c",
            Info = "#60a5fa",
            Success = "#4ade80",
            Warning = "#fbbf24",
            Error = "#f87171",
            // Light colours on dark: a filled chip ("Online") writes in near-black, not white (white on #4ade80 is 1.7:1).
            PrimaryContrastText = "#111319",
            SecondaryContrastText = "#111319",
            TertiaryContrastText = "#111319",
            InfoContrastText = "#111319",
            SuccessContrastText = "#111319",
            WarningContrastText = "#111319",
            ErrorContrastText = "#111319",
            Background = "#15171d",
            Surface = "#1d2028",
            AppbarBackground = "#1d2028",
            AppbarText = "#e5e7eb",
            DrawerBackground = "#111319",
            DrawerText = "#e5e7eb",
            DrawerIcon = "#9ca3af",
            TextPrimary = "#e5e7eb",
            TextSecondary = "#a1a8b3",
            ActionDefault = "#c4c9d2",
            LinesDefault = "#2c303a",
            Divider = "#2c303a",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = FontStack },
        },
        LayoutProperties = new LayoutProperties
        {
            DrawerWidthLeft = "300px",
        },
    };
}
