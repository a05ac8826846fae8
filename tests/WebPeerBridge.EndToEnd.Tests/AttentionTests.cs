using Microsoft.Playwright;
using WebPeerBridge.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;
using static WebPeerBridge.EndToEnd.Tests.Support.BrowserUser;

namespace WebPeerBridge.EndToEnd.Tests;

/// <summary>What asks for the person's attention: mentions, and new lines while they read further up.</summary>
public sealed class AttentionTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public Task A_line_with_my_name_is_highlighted_and_listed_in_the_mentions_which_jump_to_it_and_dismiss() => RunAsync(async () =>
    {
        var app = Own(await BridgeApp.StartEmbeddedAsync());
        var alice = await OpenBrowserAsync(app, "alice");
        var bob = await OpenBrowserAsync(app, "bob");
        await alice.JoinAsync("alice");
        await bob.JoinAsync("bob");

        await bob.SendAsync("Morning all");
        await bob.SendAsync("@alice the build is green, can you ship it?");
        await bob.SendAsync("Alice: and the notes too");

        var mention = Line(alice.BroadcastLog, "the build is green");
        await Expect(mention.GetByRole(AriaRole.Img, new() { Name = "Mentions you", Exact = true })).ToBeVisibleAsync();
        await Expect(Line(alice.BroadcastLog, "Morning all").GetByRole(AriaRole.Img, new() { Name = "Mentions you" })).ToHaveCountAsync(0);
        var banner = alice.Page.GetByRole(AriaRole.Banner);
        await banner.GetByRole(AriaRole.Button, new() { Name = "Mentions (2)", Exact = true }).ClickAsync();
        var list = alice.Page.GetByRole(AriaRole.Dialog, new() { Name = "Mentions", Exact = true });
        await Expect(list.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(2);
        await Expect(list.GetByRole(AriaRole.Listitem).First).ToContainTextAsync("and the notes too");
        await Screenshots.TakeAsync(alice.Page, "mentions-list.png");

        await list.GetByRole(AriaRole.Button, new() { Name = "Go to bob's line in Everyone: @alice the build is green, can you ship it?", Exact = true })
            .ClickAsync();
        await Expect(list).ToBeHiddenAsync();
        await Expect(mention).ToBeInViewportAsync();

        await banner.GetByRole(AriaRole.Button, new() { Name = "Mentions (2)", Exact = true }).ClickAsync();
        await list.GetByRole(AriaRole.Button, new() { Name = "Dismiss the mention from bob", Exact = true }).First.ClickAsync();
        await Expect(banner.GetByRole(AriaRole.Button, new() { Name = "Mentions (1)", Exact = true })).ToBeVisibleAsync();
        await list.GetByRole(AriaRole.Button, new() { Name = "Dismiss all", Exact = true }).ClickAsync();
        await Expect(list).ToContainTextAsync("Nobody has mentioned you yet");
        await Expect(banner.GetByRole(AriaRole.Button, new() { Name = "Mentions", Exact = true })).ToBeVisibleAsync();
    });

    [Fact]
    public Task New_lines_show_while_scrolled_up_in_a_long_log_and_a_button_counts_them_and_jumps_there() => RunAsync(async () =>
    {
        var app = Own(await BridgeApp.StartEmbeddedAsync());
        var alice = await OpenBrowserAsync(app, "alice");
        var bob = await OpenBrowserAsync(app, "bob");
        await alice.JoinAsync("alice");
        await bob.JoinAsync("bob");
        await bob.TypeLinesFastAsync([.. Enumerable.Range(1, 120).Select(i => $"line {i} of a long morning")]);
        await Expect(Line(alice.BroadcastLog, "line 120 of a long morning")).ToBeVisibleAsync();

        await alice.BroadcastLog.EvaluateAsync("log => log.scrollTop = 0");
        var jump = alice.Page.GetByRole(AriaRole.Button, new() { Name = "Jump to the newest message", Exact = true });
        await Expect(jump).ToBeVisibleAsync();
        await bob.SendAsync("fresh news while alice reads up");

        var counted = alice.Page.GetByRole(AriaRole.Button, new() { Name = "Jump to the newest message (1 new)", Exact = true });
        await Expect(counted).ToHaveTextAsync("1 new");
        await Screenshots.TakeAsync(alice.Page, "scrolled-up-new.png");
        await counted.ClickAsync();
        await Expect(Line(alice.BroadcastLog, "fresh news while alice reads up")).ToBeInViewportAsync();
        await Expect(alice.Page.GetByRole(AriaRole.Button, new() { Name = "Jump to the newest message" })).ToHaveCountAsync(0);

        // /help opens a panel under the log: the log still follows the newest line.
        await alice.TypeAndEnterAsync("/help");
        await bob.SendAsync("a line after help");
        await Expect(Line(alice.BroadcastLog, "a line after help")).ToBeInViewportAsync();
    });
}
