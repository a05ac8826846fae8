using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace WebPeerBridge.EndToEnd.Tests.Support;

// What a person sees and does on the chat page, found by role, label and text.
public sealed partial class BrowserUser
{
    public ILocator NameField => Page.GetByLabel("Your name");

    public ILocator JoinButton => Page.GetByRole(AriaRole.Button, new() { Name = "Join", Exact = true });

    public ILocator MessageField => Page.GetByLabel("Message", new() { Exact = true });

    public ILocator SendButton => Page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true });

    /// <summary>The app bar's "You": own name and the host:port others dial.</summary>
    public ILocator Self => Page.GetByLabel("You", new() { Exact = true });

    public ILocator SelfEndpoint => Page.GetByTitle("Where other peers reach you");

    /// <summary>The link state chip in the app bar (Online, Reconnecting…).</summary>
    public ILocator LinkState => Page.GetByRole(AriaRole.Banner).GetByRole(AriaRole.Status);

    /// <summary>The drawer: conversations and the people online.</summary>
    public ILocator Drawer => Page.GetByRole(AriaRole.Navigation, new() { Name = "Conversations and people" });

    public ILocator BroadcastLog => Page.GetByRole(AriaRole.Log, new() { Name = "Messages to everyone", Exact = true });

    public ILocator DirectLog(string peer) => Page.GetByRole(AriaRole.Log, new() { Name = $"Messages with {peer}", Exact = true });

    /// <summary>The entry of <paramref name="name"/> in the list of people online.</summary>
    public ILocator Person(string name) => Drawer.GetByRole(AriaRole.Listitem, new() { Name = name, Exact = true });

    /// <summary>The line of <paramref name="log"/> that holds <paramref name="text"/>.</summary>
    public static ILocator Line(ILocator log, string text) => log.Locator("[data-message-id]").Filter(new() { HasText = text });

    /// <summary>The quiet line of joins or leaves in <paramref name="log"/> that contains <paramref name="text"/>.</summary>
    public static ILocator QuietLine(ILocator log, string text) => log.Locator("[data-quiet-line]").Filter(new() { HasText = text });

    public static ILocator Delivered(ILocator line) => line.GetByRole(AriaRole.Img, new() { Name = "Delivered", Exact = true });

    /// <summary>Opens <paramref name="path"/> and waits until the page is live (the circuit runs), so that typing counts.</summary>
    public async Task GotoAsync(string path = "/")
    {
        await Page.GotoAsync(path);
        await WaitUntilInteractiveAsync();
    }

    public async Task ReloadAsync()
    {
        await Page.ReloadAsync();
        await WaitUntilInteractiveAsync();
    }

    public Task WaitUntilInteractiveAsync() => Expect(Page.Locator("#interactive-ready")).ToBeAttachedAsync();

    /// <summary>Opens the page, joins as <paramref name="name"/> and waits until online.</summary>
    public async Task JoinAsync(string name)
    {
        await GotoAsync();
        await NameField.FillAsync(name);
        await JoinButton.ClickAsync();
        await Expect(Self).ToContainTextAsync(name);
        await Expect(LinkState).ToHaveTextAsync("Online");
    }

    /// <summary>The host:port this user's agent is reachable at, as the app bar shows it once registered.</summary>
    public async Task<string> SelfEndpointAsync()
    {
        await Expect(SelfEndpoint).ToHaveTextAsync(new Regex(@"^127\.0\.0\.1:\d+$"));
        return (await SelfEndpoint.InnerTextAsync()).Trim();
    }

    /// <summary>
    /// Types <paramref name="text"/> into the composer and sends it with Enter, or with the Send button; waits until the
    /// composer took it.
    /// </summary>
    public async Task SendAsync(string text, bool withButton = false)
    {
        await MessageField.FillAsync(text);
        if (withButton)
        {
            await SendButton.ClickAsync();
        }
        else
        {
            await MessageField.PressAsync("Enter");
        }

        await Expect(MessageField).ToHaveValueAsync("");
    }

    /// <summary>
    /// Types each of <paramref name="lines"/> into the composer key by key and ends it with Enter, with no pause between
    /// lines and 0 to 10 ms between keys: someone typing flat out.
    /// </summary>
    public async Task TypeLinesFastAsync(IReadOnlyList<string> lines)
    {
        await MessageField.FocusAsync();
        for (var i = 0; i < lines.Count; i++)
        {
            var delay = i % 11;
            await Page.Keyboard.TypeAsync(lines[i], new KeyboardTypeOptions { Delay = delay });
            await Page.Keyboard.PressAsync("Enter", new KeyboardPressOptions { Delay = delay });
        }
    }

    /// <summary>Types <paramref name="text"/> into the composer key by key and presses Enter.</summary>
    public async Task TypeAndEnterAsync(string text)
    {
        await MessageField.FocusAsync();
        await Page.Keyboard.TypeAsync(text);
        await Page.Keyboard.PressAsync("Enter");
    }

    /// <summary>The texts of the lines <paramref name="from"/> wrote, as shown in <paramref name="log"/>, in order.</summary>
    public static ILocator TextsFrom(ILocator log, string from) =>
        log.Locator("[data-message-id]")
            .Filter(new() { Has = log.Page.Locator(".wpb-from").GetByText(from, new() { Exact = true }) })
            .Locator(".wpb-text");

    /// <summary>Opens the direct conversation with <paramref name="peer"/> from the list of people.</summary>
    public async Task OpenDirectAsync(string peer)
    {
        await Person(peer).GetByRole(AriaRole.Button, new() { Name = $"Message {peer}", Exact = true }).ClickAsync();
        await Expect(DirectLog(peer)).ToBeVisibleAsync();
    }

    /// <summary>Goes back to the broadcast stream.</summary>
    public async Task OpenEveryoneAsync()
    {
        await Drawer.GetByRole(AriaRole.Button).Filter(new() { HasText = "Everyone" }).ClickAsync();
        await Expect(BroadcastLog).ToBeVisibleAsync();
    }
}
