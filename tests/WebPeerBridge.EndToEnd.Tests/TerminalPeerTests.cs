using System.Text.RegularExpressions;
using WebPeerBridge.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;
using static WebPeerBridge.EndToEnd.Tests.Support.BrowserUser;

namespace WebPeerBridge.EndToEnd.Tests;

/// <summary>A browser user and the terminal peer (the built WebPeerBridge.Cli, a child process with piped stdin/stdout).</summary>
public sealed partial class TerminalPeerTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public Task A_browser_user_and_a_terminal_peer_exchange_broadcasts_and_a_direct_message() => RunAsync(async () =>
    {
        var app = Own(await BridgeApp.StartEmbeddedAsync());
        var alice = await OpenBrowserAsync(app, "alice");
        await alice.JoinAsync("alice");
        var carol = StartTerminal(app, "carol");

        var joined = await carol.WaitForLineAsync("* joined as carol");
        var carolAt = JoinedAt().Match(joined).Groups[1].Value;
        Assert.Contains("alice (127.0.0.1:", joined, StringComparison.Ordinal);
        await Expect(alice.Person("carol")).ToContainTextAsync(carolAt);

        await alice.SendAsync("hello terminal");
        await carol.WaitForLineAsync("<alice> hello terminal");

        await carol.WriteLineAsync("hello browser");
        await Expect(Line(alice.BroadcastLog, "hello browser")).ToContainTextAsync("carol");

        await alice.OpenDirectAsync("carol");
        await alice.SendAsync("just for you, carol");
        await carol.WaitForLineAsync("[dm] <alice> just for you, carol");
        await Expect(Delivered(Line(alice.DirectLog("carol"), "just for you, carol"))).ToBeVisibleAsync();

        await carol.WriteLineAsync("/msg alice thanks, alice");
        await Expect(Line(alice.DirectLog("carol"), "thanks, alice")).ToContainTextAsync("carol");

        // The terminal leaves at the end of its input; the browser sees it go.
        Assert.Equal(0, await carol.CloseInputAndWaitAsync());
        await alice.OpenEveryoneAsync();
        await Expect(QuietLine(alice.BroadcastLog, "carol left")).ToBeVisibleAsync();
    });

    [Fact]
    public Task The_demo_peer_greets_a_browser_user_and_echoes_a_direct_message() => RunAsync(async () =>
    {
        var app = Own(await BridgeApp.StartEmbeddedAsync());
        var demo = StartTerminal(app, "demo", "--demo");
        await demo.WaitForLineAsync("* demo mode");
        demo.CloseInput();

        var alice = await OpenBrowserAsync(app, "alice");
        await alice.JoinAsync("alice");
        await Expect(Line(alice.BroadcastLog, "Welcome, alice! I'm a demo peer: send me a direct message and I'll echo it."))
            .ToContainTextAsync("demo");

        await alice.OpenDirectAsync("demo");
        await alice.SendAsync("is anybody out there?");
        await Expect(Delivered(Line(alice.DirectLog("demo"), "is anybody out there?"))).ToBeVisibleAsync();
        await Expect(Line(alice.DirectLog("demo"), "echo: is anybody out there?")).ToContainTextAsync("demo");
    });

    [GeneratedRegex(@"^\* joined as \w+ \((127\.0\.0\.1:\d+)\)")]
    private static partial Regex JoinedAt();
}
