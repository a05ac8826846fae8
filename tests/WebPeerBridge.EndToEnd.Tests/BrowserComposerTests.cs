using System.Globalization;
using Microsoft.Playwright;
using WebPeerBridge.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace WebPeerBridge.EndToEnd.Tests;

/// <summary>The composer in a real browser, used as a person does: keystrokes from the keyboard, never a value set by the test.</summary>
public sealed class BrowserComposerTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private const int LineCount = 50;

    [Fact]
    public Task Fifty_lines_typed_without_pause_arrive_whole_and_in_order_at_a_second_browser_and_a_terminal_peer() => RunAsync(async () =>
    {
        var app = Own(await BridgeApp.StartEmbeddedAsync());
        var alice = await OpenBrowserAsync(app, "alice");
        var bob = await OpenBrowserAsync(app, "bob");
        await alice.JoinAsync("alice");
        await bob.JoinAsync("bob");
        var carol = StartTerminal(app, "carol");
        await carol.WaitForLineAsync("* joined as carol");
        await Expect(alice.Person("carol")).ToBeVisibleAsync();

        var lines = Enumerable.Range(1, LineCount)
            .Select(i => $"line {i.ToString("00", CultureInfo.InvariantCulture)} quick brown fox")
            .ToArray();
        await alice.MessageField.FocusAsync();
        for (var i = 0; i < lines.Length; i++)
        {
            // 0 to 10 ms between keys, Enter straight after the last one: the pace of someone typing flat out.
            var delay = i % 11;
            await alice.Page.Keyboard.TypeAsync(lines[i], new KeyboardTypeOptions { Delay = delay });
            await alice.Page.Keyboard.PressAsync("Enter", new KeyboardPressOptions { Delay = delay });
        }

        var fromAlice = bob.BroadcastLog.Locator("[data-message-id]")
            .Filter(new() { Has = bob.Page.Locator(".wpb-from").GetByText("alice", new() { Exact = true }) })
            .Locator(".wpb-text");
        await Expect(fromAlice).ToHaveTextAsync(lines, new() { Timeout = 60_000 });

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
        var app = Own(await BridgeApp.StartEmbeddedAsync());
        var alice = await OpenBrowserAsync(app, "alice");
        var bob = await OpenBrowserAsync(app, "bob");
        await alice.JoinAsync("alice");
        await bob.JoinAsync("bob");
        var leaveDialog = alice.Page.GetByRole(AriaRole.Dialog).Filter(new() { HasText = "Leave the chat?" });

        await alice.MessageField.FocusAsync();
        await alice.Page.Keyboard.TypeAsync("close");
        await alice.Page.Keyboard.PressAsync("Enter");
        await Expect(leaveDialog).ToBeVisibleAsync();
        await leaveDialog.GetByRole(AriaRole.Button, new() { Name = "Stay", Exact = true }).ClickAsync();

        await Expect(leaveDialog).ToHaveCountAsync(0);
        await Expect(alice.LinkState).ToHaveTextAsync("Online");
        await alice.MessageField.FocusAsync();
        await alice.Page.Keyboard.TypeAsync("still here");
        await alice.Page.Keyboard.PressAsync("Enter");
        await Expect(BrowserUser.Line(bob.BroadcastLog, "still here")).ToContainTextAsync("alice");
        await Expect(bob.Person("alice")).ToBeVisibleAsync();

        await alice.Page.Keyboard.TypeAsync("close");
        await alice.Page.Keyboard.PressAsync("Enter");
        await leaveDialog.GetByRole(AriaRole.Button, new() { Name = "Leave", Exact = true }).ClickAsync();
        await Expect(alice.NameField).ToBeVisibleAsync();
        await Expect(bob.Person("alice")).ToHaveCountAsync(0);
    });
}
