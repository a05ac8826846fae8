using Microsoft.Playwright;
using WebPeerBridge.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;
using static WebPeerBridge.EndToEnd.Tests.Support.BrowserUser;

namespace WebPeerBridge.EndToEnd.Tests;

/// <summary>Two people, each in their own browser, on one web app with its embedded rendezvous server.</summary>
public sealed class TwoBrowsersTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public Task Two_browsers_join_see_each_other_with_host_and_port_and_broadcast_both_ways() => RunAsync(async () =>
    {
        var app = Own(await BridgeApp.StartEmbeddedAsync());
        var alice = await OpenBrowserAsync(app, "alice");
        var bob = await OpenBrowserAsync(app, "bob");

        await alice.JoinAsync("alice");
        await bob.JoinAsync("bob");

        // Each lists the other at the host:port the other's own app bar shows.
        var aliceAt = await alice.SelfEndpointAsync();
        var bobAt = await bob.SelfEndpointAsync();
        Assert.NotEqual(aliceAt, bobAt);
        await Expect(alice.Person("bob")).ToContainTextAsync(bobAt);
        await Expect(bob.Person("alice")).ToContainTextAsync(aliceAt);

        await alice.SendAsync("Hello from alice");
        await Expect(Delivered(Line(alice.BroadcastLog, "Hello from alice"))).ToBeVisibleAsync();
        await Expect(Line(bob.BroadcastLog, "Hello from alice")).ToContainTextAsync("alice");

        await bob.SendAsync("Hi alice, bob here", withButton: true);
        await Expect(Delivered(Line(bob.BroadcastLog, "Hi alice, bob here"))).ToBeVisibleAsync();
        await Expect(Line(alice.BroadcastLog, "Hi alice, bob here")).ToContainTextAsync("bob");
    });

    [Fact]
    public Task Two_browsers_connect_and_exchange_direct_messages_that_show_as_delivered() => RunAsync(async () =>
    {
        var app = Own(await BridgeApp.StartEmbeddedAsync());
        var alice = await OpenBrowserAsync(app, "alice");
        var bob = await OpenBrowserAsync(app, "bob");
        await alice.JoinAsync("alice");
        await bob.JoinAsync("bob");
        await alice.SendAsync("Morning everyone!");
        await bob.SendAsync("Morning alice. Anyone up for lunch at noon?");
        await alice.SendAsync("Count me in. The usual place?");
        await bob.SendAsync("Sure, I'll book a table.");
        await Expect(Delivered(Line(bob.BroadcastLog, "I'll book a table"))).ToBeVisibleAsync();
        await Expect(Line(alice.BroadcastLog, "I'll book a table")).ToBeVisibleAsync();
        await Screenshots.TakeAsync(alice.Page, "chat-desktop.png");

        await alice.Person("bob").GetByRole(AriaRole.Button, new() { Name = "Connect to bob", Exact = true }).ClickAsync();
        await Expect(alice.Person("bob").GetByLabel("Direct link open")).ToBeVisibleAsync();
        await Expect(bob.Person("alice").GetByLabel("Direct link open")).ToBeVisibleAsync();

        await alice.OpenDirectAsync("bob");
        await alice.SendAsync("psst, bob: it's Sam's birthday on Friday");
        await Expect(Delivered(Line(alice.DirectLog("bob"), "it's Sam's birthday on Friday"))).ToBeVisibleAsync();

        await bob.OpenDirectAsync("alice");
        await Expect(Line(bob.DirectLog("alice"), "it's Sam's birthday on Friday")).ToContainTextAsync("alice");
        await bob.SendAsync("Oh! Let's get a cake, I'll bring candles.");
        await Expect(Delivered(Line(bob.DirectLog("alice"), "I'll bring candles."))).ToBeVisibleAsync();
        await Expect(Line(alice.DirectLog("bob"), "I'll bring candles.")).ToContainTextAsync("bob");
        await alice.SendAsync("Perfect, I'll order it.");
        await Expect(Delivered(Line(alice.DirectLog("bob"), "I'll order it."))).ToBeVisibleAsync();

        // Direct messages stay out of the broadcast stream.
        await bob.OpenEveryoneAsync();
        await Expect(Line(bob.BroadcastLog, "I'll bring candles.")).ToHaveCountAsync(0);
        await Screenshots.TakeAsync(alice.Page, "chat-direct.png");
    });

    [Fact]
    public Task A_reload_keeps_the_name_the_history_and_the_conversations() => RunAsync(async () =>
    {
        var app = Own(await BridgeApp.StartEmbeddedAsync());
        var alice = await OpenBrowserAsync(app, "alice");
        var bob = await OpenBrowserAsync(app, "bob");
        await alice.JoinAsync("alice");
        await bob.JoinAsync("bob");
        var aliceAt = await alice.SelfEndpointAsync();
        await bob.SendAsync("before the reload");
        await Expect(Line(alice.BroadcastLog, "before the reload")).ToBeVisibleAsync();
        await alice.OpenDirectAsync("bob");
        await alice.SendAsync("a secret");
        await Expect(Delivered(Line(alice.DirectLog("bob"), "a secret"))).ToBeVisibleAsync();

        await alice.ReloadAsync();

        // Same agent: same name, same port, the direct conversation with its delivered line.
        await Expect(alice.Self).ToContainTextAsync("alice");
        Assert.Equal(aliceAt, await alice.SelfEndpointAsync());
        await Expect(alice.LinkState).ToHaveTextAsync("Online");
        await Expect(Delivered(Line(alice.DirectLog("bob"), "a secret"))).ToBeVisibleAsync();
        await alice.OpenEveryoneAsync();
        await Expect(Line(alice.BroadcastLog, "before the reload")).ToContainTextAsync("bob");
        await Expect(alice.Drawer.GetByRole(AriaRole.Button).Filter(new() { HasText = "bob" })).ToBeVisibleAsync();

        // Nobody saw alice leave, and she still chats.
        await Expect(QuietLine(bob.BroadcastLog, "alice left")).ToHaveCountAsync(0);
        await alice.SendAsync("still here");
        await Expect(Line(bob.BroadcastLog, "still here")).ToBeVisibleAsync();
    });

    [Fact]
    public Task Leaving_makes_the_other_side_see_left() => RunAsync(async () =>
    {
        var app = Own(await BridgeApp.StartEmbeddedAsync());
        var alice = await OpenBrowserAsync(app, "alice");
        var bob = await OpenBrowserAsync(app, "bob");
        await alice.JoinAsync("alice");
        await bob.JoinAsync("bob");
        await Expect(alice.Person("bob")).ToBeVisibleAsync();

        await bob.Page.GetByRole(AriaRole.Banner).GetByRole(AriaRole.Button, new() { Name = "Leave", Exact = true }).ClickAsync();
        await bob.Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Leave", Exact = true }).ClickAsync();

        await Expect(bob.NameField).ToBeVisibleAsync();
        await Expect(QuietLine(alice.BroadcastLog, "bob left")).ToBeVisibleAsync();
        await Expect(alice.Person("bob")).ToHaveCountAsync(0);
        await Expect(alice.Drawer).ToContainTextAsync("Nobody else is online yet");
    });
}
