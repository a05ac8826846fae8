using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Extensions;
using MudBlazor.Services;
using WebPeerBridge.Web.Components;
using WebPeerBridge.Web.Components.Chat;
using WebPeerBridge.Web.Components.Layout;

namespace WebPeerBridge.Web.Tests.Theme;

/// <summary>The theme follows the system's until the person picks one.</summary>
public sealed class SystemThemeTests
{
    [Fact]
    public async Task The_theme_follows_the_system_until_the_person_picks_one()
    {
        await using var context = CreateContext(systemDark: true, out var theme);

        var cut = context.Render<MainLayout>();

        cut.WaitForAssertion(() => Assert.True(cut.FindComponent<MudThemeProvider>().Instance.GetState(x => x.IsDarkMode)));
        Assert.Contains(NameColors.Dark[0], cut.Find("style#wpb-name-colors").TextContent, StringComparison.Ordinal);

        // The system turns light: followed.
        await cut.InvokeAsync(() => cut.FindComponent<SystemTheme>().Instance.SystemThemeChanged(false));
        Assert.False(theme.IsDark);

        // The person picks dark; the system turning light again no longer changes it.
        await cut.InvokeAsync(() => theme.Set(dark: true));
        await cut.InvokeAsync(() => cut.FindComponent<SystemTheme>().Instance.SystemThemeChanged(false));
        Assert.True(theme.IsDark);
        cut.WaitForAssertion(() => Assert.True(cut.FindComponent<MudThemeProvider>().Instance.GetState(x => x.IsDarkMode)));
    }

    [Fact]
    public async Task A_theme_picked_earlier_wins_over_the_system()
    {
        await using var context = CreateContext(systemDark: true, out var theme);
        theme.Initialize(dark: false, chosen: true);

        var cut = context.Render<MainLayout>();

        Assert.False(theme.IsDark);
        Assert.False(cut.FindComponent<MudThemeProvider>().Instance.GetState(x => x.IsDarkMode));
        Assert.Contains(NameColors.Light[0], cut.Find("style#wpb-name-colors").TextContent, StringComparison.Ordinal);
    }

    private static BunitContext CreateContext(bool systemDark, out ThemeState theme)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddScoped<ThemeState>();
        context.Services.AddScoped<BridgeJs>();
        var module = context.JSInterop.SetupModule("./assets/js/bridge.js");
        module.Mode = JSRuntimeMode.Loose;
        module.Setup<SystemThemeWatch>("watchSystemTheme", _ => true).SetResult(new SystemThemeWatch(1, systemDark));
        theme = context.Services.GetRequiredService<ThemeState>();
        return context;
    }
}
