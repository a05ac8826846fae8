using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WebPeerBridge.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace WebPeerBridge.EndToEnd.Tests;

/// <summary>Browser notifications while the tab is hidden, and the chat on a phone in the system's dark mode.</summary>
public sealed class NotificationAndPhoneTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    // Records what the page would show (window.Notification wrapped), and lets the test hide and show the tab.
    private const string NotificationRecorder = """
        (() => {
            window.__notifications = [];
            // Each decision whether to notify reads the permission first: counted, so that a test can wait for one.
            window.__permissionReads = 0;
            const Real = window.Notification;
            class Recorded {
                constructor(title, options) {
                    window.__notifications.push({ title, body: options && options.body });
                    window.__lastNotification = this;
                    this.title = title;
                }
                close() { }
                static get permission() { window.__permissionReads++; return Real ? Real.permission : "granted"; }
                static requestPermission() { return Real ? Real.requestPermission() : Promise.resolve("granted"); }
            }
            window.Notification = Recorded;
            let hidden = false;
            Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (hidden ? "hidden" : "visible") });
            Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
            window.__setHidden = (value) => {
                hidden = value;
                document.dispatchEvent(new Event("visibilitychange"));
            };
        })();
        """;

    [Fact]
    public Task A_direct_message_notifies_only_while_the_tab_is_hidden_once_enabled_and_pressing_it_opens_the_conversation() => RunAsync(async () =>
    {
        var app = Own(await BridgeApp.StartEmbeddedAsync());
        var alice = await OpenBrowserAsync(app, "alice");
        await alice.Context.GrantPermissionsAsync(["notifications"], new() { Origin = app.BaseUrl.GetLeftPart(UriPartial.Authority) });
        await alice.Context.AddInitScriptAsync(NotificationRecorder);
        var bob = await OpenBrowserAsync(app, "bob");
        await alice.JoinAsync("alice");
        await bob.JoinAsync("bob");

        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "More", Exact = true }).ClickAsync();
        await alice.Page.GetByRole(AriaRole.Menuitem).Filter(new() { HasText = "Notifications" }).ClickAsync();
        var dialog = alice.Page.GetByRole(AriaRole.Dialog).Filter(new() { HasText = "Notifications" });
        await Expect(dialog.GetByRole(AriaRole.Status)).ToHaveTextAsync("Off.");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Enable notifications" }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Status)).ToHaveTextAsync("On.");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();

        // Hidden: a direct message notifies.
        await bob.OpenDirectAsync("alice");
        await alice.Page.EvaluateAsync("() => window.__setHidden(true)");
        await bob.SendAsync("psst, alice");
        await alice.Page.WaitForFunctionAsync("() => window.__notifications.some(n => n.body === 'psst, alice')");
        Assert.Equal(["bob (direct message): psst, alice"], await ShownAsync(alice));

        // Pressing it brings the tab forward on the conversation.
        await alice.Page.EvaluateAsync("() => { window.__setHidden(false); window.__lastNotification.onclick(); }");
        await Expect(alice.DirectLog("bob")).ToBeVisibleAsync();
        await Expect(BrowserUser.Line(alice.DirectLog("bob"), "psst, alice")).ToBeVisibleAsync();

        // Visible: none. The line shows before the page decides on its notification (a later message from the bridge):
        // the tab is hidden again only once that decision was made, and it was made while visible.
        var decided = await alice.Page.EvaluateAsync<int>("() => window.__permissionReads");
        await bob.SendAsync("while you look");
        await Expect(BrowserUser.Line(alice.DirectLog("bob"), "while you look")).ToBeVisibleAsync();
        await alice.Page.WaitForFunctionAsync($"() => window.__permissionReads > {decided}");
        await alice.Page.EvaluateAsync("() => window.__setHidden(true)");
        await bob.SendAsync("and now hidden");
        await alice.Page.WaitForFunctionAsync("() => window.__notifications.some(n => n.body === 'and now hidden')");
        Assert.Equal(["bob (direct message): psst, alice", "bob (direct message): and now hidden"], await ShownAsync(alice));
    });

    private static Task<string[]> ShownAsync(BrowserUser user) =>
        user.Page.EvaluateAsync<string[]>("() => window.__notifications.map(n => `${n.title}: ${n.body}`)");

    [Fact]
    public Task On_a_phone_in_the_system_dark_mode_the_chat_is_dark_shows_my_name_keeps_snackbars_off_the_header_and_Esc_closes_the_drawer() => RunAsync(async () =>
    {
        var app = Own(await BridgeApp.StartEmbeddedAsync());
        var phone = await OpenBrowserAsync(app, "phone", options =>
        {
            options.ViewportSize = new ViewportSize { Width = 390, Height = 844 };
            options.IsMobile = true;
            options.HasTouch = true;
            options.ColorScheme = ColorScheme.Dark;
        });
        var bob = await OpenBrowserAsync(app, "bob");
        await bob.JoinAsync("bob");

        // The join screen offers the bridge's address as a QR code, for the next phone.
        await phone.GotoAsync();
        var qr = phone.Page.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("^QR code of http:") });
        await Expect(qr).ToBeVisibleAsync();
        await Screenshots.TakeAsync(phone.Page, "join-phone-qr.png");
        await phone.JoinAsync("carol");

        await Expect(phone.Page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        await Expect(phone.Page.GetByRole(AriaRole.Button, new() { Name = "Dark mode" })).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(phone.Self.Locator(".wpb-self-name")).ToBeVisibleAsync();
        await Expect(phone.Self.Locator(".wpb-self-name")).ToHaveTextAsync("carol");
        await bob.SendAsync("hello @carol, dark enough?");
        await Expect(BrowserUser.Line(phone.BroadcastLog, "dark enough?")).ToBeVisibleAsync();
        await Screenshots.TakeAsync(phone.Page, "phone-dark.png");

        // Search fits the phone's header.
        await phone.Page.GetByRole(AriaRole.Button, new() { Name = "Search messages", Exact = true }).ClickAsync();
        await phone.Page.GetByRole(AriaRole.Search).GetByLabel("Search", new() { Exact = true }).FillAsync("dark");
        await Expect(phone.Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "match" })).ToHaveTextAsync("1 match");
        await Expect(phone.Page.GetByRole(AriaRole.Button, new() { Name = "Close search" })).ToBeInViewportAsync();
        await Screenshots.TakeAsync(phone.Page, "phone-search-dark.png");
        await phone.Page.GetByRole(AriaRole.Button, new() { Name = "Close search" }).ClickAsync();

        // A snackbar (here: who is online) opens below the app bar, not over it.
        await phone.TypeAndEnterAsync("/peers");
        var snackbar = phone.Page.Locator(".mud-snackbar").Filter(new() { HasText = "bob" });
        await Expect(snackbar).ToBeVisibleAsync();
        var bar = await phone.Page.GetByRole(AriaRole.Banner).BoundingBoxAsync();
        var toast = await snackbar.BoundingBoxAsync();
        Assert.True(toast!.Y >= bar!.Y + bar.Height, $"the snackbar's top {toast.Y} is above the app bar's bottom {bar.Y + bar.Height}");

        var menu = phone.Page.GetByRole(AriaRole.Button, new() { Name = "Conversations and people" });
        await menu.ClickAsync();
        await Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
        await phone.Page.Keyboard.PressAsync("Escape");
        await Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");
    });
}
