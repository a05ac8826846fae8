using Bunit;
using Microsoft.Extensions.DependencyInjection;
using WebPeerBridge.Peer;
using WebPeerBridge.Web.Components;
using WebPeerBridge.Web.Components.Chat;
using WebPeerBridge.Web.Components.Chat.Attention;
using WebPeerBridge.Web.Tests.Support;

namespace WebPeerBridge.Web.Tests.Components;

/// <summary>Browser notifications: turned on with the browser's permission, and fired for direct messages.</summary>
public sealed class NotificationTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_direct_message_asks_the_browser_to_notify()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        await Signals.UntilAsync(bob, () => bob.Peers.Any(p => p.Name == "alice"), Ct);
        chat.Render<DirectMessageAlerts>(p => p.Add(x => x.Agent, alice));
        var notified = NotifiedAsync(chat, "are you there?");

        await bob.SendDirectAsync("alice", "are you there?", Ct);

        await notified;
        var notify = chat.Js.Invocations["notify"];
        Assert.Equal("bob (direct message)", notify[0].Arguments[0]);
        Assert.Equal("are you there?", notify[0].Arguments[1]);
        Assert.Equal("bob", notify[0].Arguments[2]);
    }

    [Fact]
    public async Task Broadcasts_and_my_own_lines_do_not_notify()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        await Signals.UntilAsync(alice, () => alice.Peers.Any(p => p.Name == "bob"), Ct);
        await Signals.UntilAsync(bob, () => bob.Peers.Any(p => p.Name == "alice"), Ct);
        chat.Render<DirectMessageAlerts>(p => p.Add(x => x.Agent, alice));
        var notified = NotifiedAsync(chat, "reply");

        await bob.BroadcastAsync("hello all", Ct);
        await alice.SendDirectAsync("bob", "mine", Ct);
        await Signals.UntilAsync(bob, () => bob.FindDirect("alice")?.Snapshot().Any(m => m.Text == "mine") == true, Ct);
        await Signals.UntilAsync(alice, () => alice.Broadcast.Snapshot().Any(m => m.Text == "hello all"), Ct);
        await bob.SendDirectAsync("alice", "reply", Ct); // the one that must notify, after the ones that must not

        await notified;
        Assert.Equal("reply", Assert.Single(chat.Js.Invocations["notify"]).Arguments[1]);
    }

    [Fact]
    public async Task Pressing_a_notification_opens_its_conversation()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        string? opened = null;
        var cut = chat.Render<DirectMessageAlerts>(p => p.Add(x => x.Agent, alice).Add(x => x.OnOpen, key => opened = key));

        await cut.InvokeAsync(() => chat.Context.Services.GetRequiredService<BrowserNotifications>().NotificationClicked("carol"));

        cut.WaitForAssertion(() => Assert.Equal("carol", opened), TestNetwork.Timeout);
    }

    [Fact]
    public async Task A_notification_that_fails_shows_the_error_instead_of_vanishing()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        await Signals.UntilAsync(bob, () => bob.Peers.Any(p => p.Name == "alice"), Ct);
        chat.Js.Setup<bool?>("notify", _ => true).SetException(new InvalidOperationException("the notification broke"));
        var cut = RenderInErrorBoundary(chat, alice, onOpen: _ => { });

        await bob.SendDirectAsync("alice", "are you there?", Ct);

        cut.WaitForAssertion(() => Assert.Contains("Something went wrong: the notification broke", cut.Markup, StringComparison.Ordinal),
            TestNetwork.Timeout);
    }

    [Fact]
    public async Task Opening_a_pressed_notification_that_fails_shows_the_error_instead_of_vanishing()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = RenderInErrorBoundary(chat, alice, onOpen: _ => throw new InvalidOperationException("the conversation would not open"));

        await cut.InvokeAsync(() => chat.Context.Services.GetRequiredService<BrowserNotifications>().NotificationClicked("carol"));

        cut.WaitForAssertion(() => Assert.Contains("Something went wrong: the conversation would not open", cut.Markup, StringComparison.Ordinal),
            TestNetwork.Timeout);
    }

    [Fact]
    public async Task Enable_notifications_asks_the_browser_and_shows_they_are_on()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        chat.Js.Setup<NotificationState>("notificationState").SetResult(new NotificationState("default", false, false));
        chat.Js.Setup<NotificationState>("enableNotifications", _ => true).SetResult(new NotificationState("granted", true, false));
        chat.Js.Setup<NotificationState>("setNotificationSound", _ => true).SetResult(new NotificationState("granted", true, true));
        var cut = chat.Render<ChatShell>(p => p.Add(x => x.Agent, alice));

        await OpenNotificationsAsync(chat, cut);
        chat.Dialogs.WaitForAssertion(() => Assert.Equal("Off.", chat.Dialogs.Find(".wpb-notify-state").TextContent), TestNetwork.Timeout);
        await chat.Dialogs.ClickAsync("Enable notifications");

        chat.Dialogs.WaitForAssertion(() => Assert.Equal("On.", chat.Dialogs.Find(".wpb-notify-state").TextContent), TestNetwork.Timeout);
        Assert.True((bool)chat.Js.VerifyInvoke("enableNotifications").Arguments[0]!);
        Assert.True(chat.Dialogs.HasButton("Turn off notifications"));

        await chat.Dialogs.InvokeAsync(() => chat.Dialogs.Find("input[type=checkbox]").ChangeAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = true }));
        chat.Dialogs.WaitForAssertion(() => Assert.Equal("On, with a sound.", chat.Dialogs.Find(".wpb-notify-state").TextContent), TestNetwork.Timeout);
    }

    [Fact]
    public async Task Notifications_the_browser_blocks_say_so_and_offer_no_button()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        chat.Js.Setup<NotificationState>("notificationState").SetResult(new NotificationState("denied", true, false));
        var cut = chat.Render<ChatShell>(p => p.Add(x => x.Agent, alice));

        await OpenNotificationsAsync(chat, cut);

        chat.Dialogs.WaitForAssertion(
            () => Assert.StartsWith("Blocked", chat.Dialogs.Find(".wpb-notify-state").TextContent, StringComparison.Ordinal), TestNetwork.Timeout);
        Assert.False(chat.Dialogs.HasButton("Enable notifications"));
    }

    private static async Task OpenNotificationsAsync(ChatHarness chat, IRenderedComponent<ChatShell> cut)
    {
        await chat.PickFromMenuAsync(cut, "More", "Notifications");
        chat.Dialogs.WaitForAssertion(() => Assert.NotNull(chat.Dialogs.Find("[role=status]")), TestNetwork.Timeout);
    }

    // As the app's layout holds its pages: what a component's callbacks throw shows in the boundary, not nowhere.
    private static IRenderedComponent<Microsoft.AspNetCore.Components.Web.ErrorBoundary> RenderInErrorBoundary(ChatHarness chat, PeerAgent agent,
        Action<string> onOpen) =>
        chat.Render<Microsoft.AspNetCore.Components.Web.ErrorBoundary>(p => p
            .AddChildContent<DirectMessageAlerts>(alerts => alerts.Add(x => x.Agent, agent).Add(x => x.OnOpen, onOpen))
            .Add(x => x.ErrorContent, error => $"<p>Something went wrong: {error.Message}</p>"));

    // Resolves when the page asks the browser to notify of a line with that text (the handler's matcher sees each call).
    private static Task NotifiedAsync(ChatHarness chat, string text)
    {
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        chat.Js.Setup<bool?>("notify", invocation =>
        {
            if (Equals(invocation.Arguments[1], text))
            {
                asked.TrySetResult();
            }

            return true;
        }).SetResult(true);
        return asked.Task.WaitAsync(TestNetwork.Timeout, Ct);
    }
}
