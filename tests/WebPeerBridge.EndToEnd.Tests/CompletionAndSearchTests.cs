using System.Globalization;
using Microsoft.Playwright;
using WebPeerBridge.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;
using static WebPeerBridge.EndToEnd.Tests.Support.BrowserUser;

namespace WebPeerBridge.EndToEnd.Tests;

/// <summary>The "/" command list, "@" and Tab completion, and history search, in a real browser from the keyboard.</summary>
public sealed class CompletionAndSearchTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public Task Enter_sends_what_was_typed_while_a_completion_list_is_open_and_picks_only_after_the_arrow_keys() => RunAsync(async () =>
    {
        var (alice, bob) = await AliceAndBobAsync();
        var names = alice.Page.GetByRole(AriaRole.Listbox, new() { Name = "Names", Exact = true });
        var commands = alice.Page.GetByRole(AriaRole.Listbox, new() { Name = "Commands", Exact = true });

        // "@" lists the names; Enter without the arrows sends the text as typed.
        await alice.MessageField.FocusAsync();
        await alice.Page.Keyboard.TypeAsync("hi @bo");
        await Expect(names.GetByRole(AriaRole.Option, new() { Name = "bob" })).ToBeVisibleAsync();
        await alice.Page.Keyboard.PressAsync("Enter");
        await Expect(Line(bob.BroadcastLog, "hi @bo")).ToContainTextAsync("alice");
        await Expect(alice.MessageField).ToHaveValueAsync("");

        // "/" lists the commands, the seed's typed ones too, filtered as you type.
        await alice.Page.Keyboard.TypeAsync("/");
        await Expect(commands.GetByRole(AriaRole.Option).Filter(new() { HasText = "conn:<host>:<port>" })).ToBeVisibleAsync();
        await Expect(commands.GetByRole(AriaRole.Option).Filter(new() { HasText = "to_peer:<text>" })).ToBeVisibleAsync();
        await Screenshots.TakeAsync(alice.Page, "completion-commands.png");
        await alice.Page.Keyboard.TypeAsync("he");
        await Expect(commands.GetByRole(AriaRole.Option)).ToHaveCountAsync(1);

        // The arrows choose; Enter then picks, and sends nothing.
        await alice.Page.Keyboard.PressAsync("ArrowDown");
        await Expect(commands.GetByRole(AriaRole.Option, new() { Selected = true })).ToContainTextAsync("/help");
        await alice.Page.Keyboard.PressAsync("Enter");
        await Expect(alice.MessageField).ToHaveValueAsync("/help");
        await Expect(commands).ToHaveCountAsync(0);

        // Esc closes a list.
        await alice.MessageField.FillAsync("");
        await alice.Page.Keyboard.TypeAsync("@");
        await Expect(names).ToBeVisibleAsync();
        await alice.Page.Keyboard.PressAsync("Escape");
        await Expect(names).ToHaveCountAsync(0);
    });

    [Fact]
    public Task Tab_completes_a_name_stays_in_the_message_box_and_loses_no_key_typed_after_it() => RunAsync(async () =>
    {
        var (alice, bob) = await AliceAndBobAsync();

        await alice.MessageField.FocusAsync();
        // At a quick typist's pace: at machine speed MudBlazor 9's immediate input can lose a key to a late echo of an
        // earlier one (MudBlazor issue 12796; seen once here in some 25 runs: the README's "Known limits").
        await alice.Page.Keyboard.TypeAsync("thanks b", new() { Delay = 40 });
        await alice.Page.Keyboard.PressAsync("Tab");

        await Expect(alice.MessageField).ToHaveValueAsync("thanks bob ");
        await Expect(alice.MessageField).ToBeFocusedAsync();
        await Screenshots.TakeAsync(alice.Page, "completion-tab.png");
        await alice.Page.Keyboard.TypeAsync("!");
        await alice.Page.Keyboard.PressAsync("Enter");
        await Expect(Line(bob.BroadcastLog, "thanks bob !")).ToContainTextAsync("alice");

        // Keys typed right after Tab, before the completion comes back, follow it: nothing typed is lost.
        await alice.Page.Keyboard.TypeAsync("hi b");
        await alice.Page.Keyboard.PressAsync("Tab");
        await alice.Page.Keyboard.TypeAsync("yes");
        await Expect(alice.MessageField).ToHaveValueAsync("hi bob yes");
    });

    [Fact]
    public Task Search_finds_an_old_line_highlights_the_word_and_jumps_to_it() => RunAsync(async () =>
    {
        var (alice, bob) = await AliceAndBobAsync();
        string[] lines =
        [
            "the needle is here", .. Enumerable.Range(1, 40).Select(i => $"filler {i.ToString("00", CultureInfo.InvariantCulture)}"),
            "another needle, newest",
        ];
        await bob.TypeLinesFastAsync(lines);
        await Expect(TextsFrom(alice.BroadcastLog, "bob")).ToHaveCountAsync(lines.Length, new() { Timeout = 60_000 });
        var oldest = Line(alice.BroadcastLog, "the needle is here");
        await Expect(oldest).Not.ToBeInViewportAsync();

        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Search messages", Exact = true }).ClickAsync();
        var search = alice.Page.GetByRole(AriaRole.Search, new() { Name = "Search messages to everyone" });
        await search.GetByLabel("Search", new() { Exact = true }).FillAsync("needle");

        await Expect(alice.Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "matches" })).ToHaveTextAsync("2 matches");
        var results = alice.Page.GetByRole(AriaRole.List, new() { Name = "Search results" }).GetByRole(AriaRole.Button);
        await Expect(results).ToHaveCountAsync(2);
        await Expect(results.Nth(0).Locator("mark")).ToHaveTextAsync("needle");
        await Screenshots.TakeAsync(alice.Page, "search-results.png");

        await results.Nth(1).ClickAsync();

        await Expect(oldest).ToBeInViewportAsync();
    });

    private async Task<(BrowserUser Alice, BrowserUser Bob)> AliceAndBobAsync()
    {
        var app = Own(await BridgeApp.StartEmbeddedAsync());
        var alice = await OpenBrowserAsync(app, "alice");
        var bob = await OpenBrowserAsync(app, "bob");
        await alice.JoinAsync("alice");
        await bob.JoinAsync("bob");
        await Expect(alice.Person("bob")).ToBeVisibleAsync();
        return (alice, bob);
    }
}
