using System.Globalization;
using Microsoft.Playwright;
using WebPeerBridge.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;
using static WebPeerBridge.EndToEnd.Tests.Support.BrowserUser;

namespace WebPeerBridge.EndToEnd.Tests;

/// <summary>The composer in a real browser, used as a person does: keystrokes from the keyboard, never a value set by the test.</summary>
public sealed class BrowserComposerTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public Task Fifty_lines_typed_without_pause_arrive_whole_and_in_order_at_a_second_browser_and_a_terminal_peer() => RunAsync(async () =>
    {
        var (app, alice, bob, _) = await AliceAndBobAsync();
        var carol = StartTerminal(app, "carol");
        await carol.WaitForLineAsync("* joined as carol");
        await Expect(alice.Person("carol")).ToBeVisibleAsync();

        var lines = Numbered(50, "quick brown fox");
        await alice.TypeLinesFastAsync(lines);

        await Expect(TextsFrom(bob.BroadcastLog, "alice")).ToHaveTextAsync(lines, new() { Timeout = 60_000 });

        foreach (var expected in lines)
        {
            var line = await carol.WaitForLineAsync(l => l.Contains("<alice> ", StringComparison.Ordinal), "alice says the next line");
            Assert.Equal(expected, line[(line.IndexOf("<alice> ", StringComparison.Ordinal) + "<alice> ".Length)..]);
        }

        await Expect(alice.MessageField).ToHaveValueAsync("");
    });

    [Fact]
    public Task Close_typed_in_the_composer_asks_like_Leave_and_Stay_keeps_the_chat_going() => RunAsync(async () =>
    {
        var (_, alice, bob, _) = await AliceAndBobAsync();
        var leaveDialog = alice.Page.GetByRole(AriaRole.Dialog).Filter(new() { HasText = "Leave the chat?" });

        await alice.TypeAndEnterAsync("close");
        await Expect(leaveDialog).ToBeVisibleAsync();
        await leaveDialog.GetByRole(AriaRole.Button, new() { Name = "Stay", Exact = true }).ClickAsync();

        await Expect(leaveDialog).ToHaveCountAsync(0);
        await Expect(alice.LinkState).ToHaveTextAsync("Online");
        await alice.TypeAndEnterAsync("still here");
        await Expect(Line(bob.BroadcastLog, "still here")).ToContainTextAsync("alice");
        await Expect(bob.Person("alice")).ToBeVisibleAsync();

        await alice.TypeAndEnterAsync("close");
        await leaveDialog.GetByRole(AriaRole.Button, new() { Name = "Leave", Exact = true }).ClickAsync();
        await Expect(alice.NameField).ToBeVisibleAsync();
        await Expect(bob.Person("alice")).ToHaveCountAsync(0);
    });

    [Fact]
    public Task Lines_typed_without_pause_in_a_direct_conversation_arrive_whole_and_in_order() => RunAsync(async () =>
    {
        var (_, alice, bob, _) = await AliceAndBobAsync();
        await Expect(alice.Person("bob")).ToBeVisibleAsync();
        await alice.OpenDirectAsync("bob");
        var lines = Numbered(20, "just for bob");

        // The first line opens the direct link; the others are typed while it opens.
        await alice.TypeLinesFastAsync(lines);

        await bob.OpenDirectAsync("alice");
        await Expect(TextsFrom(bob.DirectLog("alice"), "alice")).ToHaveTextAsync(lines, new() { Timeout = 60_000 });
        await Expect(Delivered(Line(alice.DirectLog("bob"), lines[^1]))).ToBeVisibleAsync();
    });

    [Fact]
    public Task A_refused_line_comes_back_into_the_box_with_what_is_wrong() => RunAsync(async () =>
    {
        var (_, alice, bob, _) = await AliceAndBobAsync();

        await alice.TypeAndEnterAsync("conn:nohost");

        await Expect(alice.MessageField).ToHaveValueAsync("conn:nohost");
        await Expect(alice.MessageField).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(alice.Page.GetByText("Use conn:<host>:<port>").First).ToBeVisibleAsync();

        await alice.Page.Keyboard.PressAsync("Control+A");
        await alice.Page.Keyboard.PressAsync("Backspace");
        await alice.TypeAndEnterAsync("all fine now");
        await Expect(Line(bob.BroadcastLog, "all fine now")).ToContainTextAsync("alice");
        await Expect(alice.MessageField).ToHaveValueAsync("");
        await Expect(alice.MessageField).Not.ToHaveAttributeAsync("aria-invalid", "true");
    });

    [Fact]
    public Task A_line_sent_while_the_page_is_cut_off_goes_out_once_when_it_is_back() => RunAsync(async () =>
    {
        var (_, alice, bob, connection) = await AliceAndBobAsync(routeAlice: true);
        await alice.TypeAndEnterAsync("before the cut");
        await Expect(Line(bob.BroadcastLog, "before the cut")).ToContainTextAsync("alice");

        var lost = alice.Page.GetByText("Lost the connection to the bridge");

        await connection!.CutAsync();
        await Expect(lost).ToBeVisibleAsync();
        await alice.TypeAndEnterAsync("sent while cut off");

        // The browser holds it: the box is free for the next line, and nothing is lost.
        await Expect(alice.MessageField).ToHaveValueAsync("");
        connection.Restore();
        await Expect(lost).ToBeHiddenAsync(new() { Timeout = 60_000 });
        await alice.TypeAndEnterAsync("after the cut");

        string[] expected = ["before the cut", "sent while cut off", "after the cut"];
        await Expect(TextsFrom(bob.BroadcastLog, "alice")).ToHaveTextAsync(expected, new() { Timeout = 60_000 });
    });

    [Fact]
    public Task While_the_page_is_cut_off_a_line_past_the_waiting_limit_stays_in_the_box() => RunAsync(async () =>
    {
        var (_, alice, bob, connection) = await AliceAndBobAsync(routeAlice: true,
            new Dictionary<string, string?> { ["Bridge:ComposerMaxWaitingLines"] = "2" });
        var lost = alice.Page.GetByText("Lost the connection to the bridge");

        await connection!.CutAsync();
        await Expect(lost).ToBeVisibleAsync();
        await alice.TypeAndEnterAsync("first while away");
        await alice.TypeAndEnterAsync("second while away");
        await Expect(alice.MessageField).ToHaveValueAsync("");
        await alice.TypeAndEnterAsync("one too many");

        await Expect(alice.MessageField).ToHaveValueAsync("one too many");
        connection.Restore();
        await Expect(TextsFrom(bob.BroadcastLog, "alice")).ToHaveTextAsync(["first while away", "second while away"], new() { Timeout = 60_000 });
        await Expect(alice.MessageField).ToHaveValueAsync("one too many");
        await alice.MessageField.PressAsync("Enter");
        await Expect(TextsFrom(bob.BroadcastLog, "alice")).ToHaveTextAsync(["first while away", "second while away", "one too many"]);
    });

    // The web app with alice and bob joined, each in a browser of their own; alice's circuit connection through the test if asked.
    private async Task<(BridgeApp App, BrowserUser Alice, BrowserUser Bob, PageConnection? AliceConnection)> AliceAndBobAsync(
        bool routeAlice = false, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var app = Own(await BridgeApp.StartEmbeddedAsync(settings));
        var alice = await OpenBrowserAsync(app, "alice");
        var bob = await OpenBrowserAsync(app, "bob");
        var connection = routeAlice ? await PageConnection.RouteAsync(alice.Page) : null;
        await alice.JoinAsync("alice");
        await bob.JoinAsync("bob");
        return (app, alice, bob, connection);
    }

    // Distinct lines, easy to tell apart when one is cut, merged or missing: "line 07 quick brown fox".
    private static string[] Numbered(int count, string tail) =>
        [.. Enumerable.Range(1, count).Select(i => $"line {i.ToString("00", CultureInfo.InvariantCulture)} {tail}")];
}
