using WebPeerBridge.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace WebPeerBridge.EndToEnd.Tests;

public sealed class TabLimitTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public Task A_tab_beyond_the_tabs_of_its_browser_gets_429_saying_why_while_the_open_tab_and_other_browsers_keep_working() => RunAsync(async () =>
    {
        var app = Own(await BridgeApp.StartEmbeddedAsync(new Dictionary<string, string?> { ["Bridge:MaxCircuitsPerSession"] = "1" }));
        var alice = await OpenBrowserAsync(app, "alice");
        await alice.JoinAsync("alice");

        var secondTab = await alice.Page.Context.NewPageAsync();
        var response = await secondTab.GotoAsync(app.BaseUrl.ToString());

        Assert.Equal(429, response!.Status);
        await Expect(secondTab.Locator("#circuit-refused"))
            .ToHaveTextAsync("This browser has too many WebPeerBridge tabs open (at most 1). Close one and reload this page.");
        // Another browser on the same address has a session of its own; the first tab is live and sees it join.
        var bob = await OpenBrowserAsync(app, "bob");
        await bob.JoinAsync("bob");
        await Expect(alice.Person("bob")).ToBeVisibleAsync();
    });
}
