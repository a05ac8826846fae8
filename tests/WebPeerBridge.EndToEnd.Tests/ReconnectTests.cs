using WebPeerBridge.EndToEnd.Tests.Support;
using WebPeerBridge.Peer.Tests.Support;
using static Microsoft.Playwright.Assertions;
using static WebPeerBridge.EndToEnd.Tests.Support.BrowserUser;

namespace WebPeerBridge.EndToEnd.Tests;

/// <summary>The web app pointed at a rendezvous server of its own process, which the test stops and starts again.</summary>
public sealed class ReconnectTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public Task A_rendezvous_restart_shows_reconnecting_then_online_and_loses_nothing() => RunAsync(async () =>
    {
        var history = TempFiles.NewHistoryPath();
        AfterTest(() => TempFiles.DeleteHistory(history));
        var server = Own(await TestServer.StartAsync(history));
        var app = Own(await BridgeApp.StartExternalAsync(server.Port));
        var alice = await OpenBrowserAsync(app, "alice");
        var bob = await OpenBrowserAsync(app, "bob");
        await alice.JoinAsync("alice");
        await bob.JoinAsync("bob");
        await alice.SendAsync("said before the restart");
        await Expect(Delivered(Line(alice.BroadcastLog, "said before the restart"))).ToBeVisibleAsync();

        await server.StopAsync();

        await Expect(alice.LinkState).ToHaveTextAsync("Reconnecting…");
        await Expect(alice.Page.GetByRole(Microsoft.Playwright.AriaRole.Status).Filter(new() { HasText = "Reconnecting to the chat server" }))
            .ToBeVisibleAsync();
        await Expect(bob.LinkState).ToHaveTextAsync("Reconnecting…");
        // Said while the server is away: it waits, marked as sending, and goes out once the server is back.
        await alice.SendAsync("said while the server was away");
        await Expect(Line(alice.BroadcastLog, "said while the server was away").GetByRole(Microsoft.Playwright.AriaRole.Img, new() { Name = "Sending" }))
            .ToBeVisibleAsync();

        await server.RestartAsync();

        // The agents retry with a growing delay (up to ReconnectMaxDelay, 15 s, and its jitter): on a slow machine the
        // next try may be that far off.
        await Expect(alice.LinkState).ToHaveTextAsync("Online", new() { Timeout = 60_000 });
        await Expect(bob.LinkState).ToHaveTextAsync("Online", new() { Timeout = 60_000 });
        await Expect(Delivered(Line(alice.BroadcastLog, "said while the server was away"))).ToBeVisibleAsync();
        await Expect(Line(bob.BroadcastLog, "said while the server was away")).ToHaveCountAsync(1);
        await Expect(Line(bob.BroadcastLog, "said before the restart")).ToHaveCountAsync(1);
        await Expect(alice.Person("bob")).ToBeVisibleAsync();
        await Expect(bob.Person("alice")).ToBeVisibleAsync();

        // The server kept its history on disk: a newcomer after the restart gets both lines.
        var carol = await OpenBrowserAsync(app, "carol");
        await carol.JoinAsync("carol");
        await Expect(Line(carol.BroadcastLog, "said before the restart")).ToContainTextAsync("alice");
        await Expect(Line(carol.BroadcastLog, "said while the server was away")).ToContainTextAsync("alice");
    });
}
