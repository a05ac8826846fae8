using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using WebPeerBridge.Peer;
using WebPeerBridge.Web.Components.Chat;
using WebPeerBridge.Web.Components.Layout;
using WebPeerBridge.Web.Tests.Support;

namespace WebPeerBridge.Web.Tests.Components;

public sealed class ChatShellTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_app_bar_shows_my_name_my_address_and_that_I_am_online()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);

        var cut = chat.Render<ChatShell>(p => p.Add(x => x.Agent, alice));

        var you = cut.Find("[aria-label='You']").TextContent;
        Assert.Contains("alice", you, StringComparison.Ordinal);
        Assert.Contains($"{alice.Self!.Host}:{alice.Self.Port}", you, StringComparison.Ordinal);
        Assert.Equal("Online", cut.Find("[role=status]").TextContent.Trim());
        Assert.True(cut.HasButton("Leave"));
        Assert.True(cut.HasButton("Dark mode"));
    }

    [Fact]
    public async Task Clicking_Message_on_a_peer_opens_the_conversation_with_them()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<ChatShell>(p => p.Add(x => x.Agent, alice));
        Assert.Equal("Messages to everyone", cut.Find("[role=log]").GetAttribute("aria-label"));

        cut.WaitForAssertion(() => cut.FindButton("Message bob"), TestNetwork.Timeout);
        await cut.ClickAsync("Message bob");

        cut.WaitForAssertion(() => Assert.Equal("Messages with bob", cut.Find("[role=log]").GetAttribute("aria-label")), TestNetwork.Timeout);
        Assert.EndsWith("/dm/bob", chat.Context.Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
        Assert.Equal("Message bob", cut.FindByLabel("Message").GetAttribute("placeholder"));
    }

    [Fact]
    public async Task Unread_direct_messages_are_counted_and_clear_when_the_conversation_is_shown()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<ChatShell>(p => p.Add(x => x.Agent, alice));
        await Signals.UntilAsync(bob, () => bob.Peers.Any(p => p.Name == "alice"), Ct);

        await bob.SendDirectAsync("alice", "one", Ct);
        await bob.SendDirectAsync("alice", "two", Ct);

        cut.WaitForAssertion(() =>
        {
            // Bright: direct messages are meant for you.
            var badges = cut.FindAll("[aria-label='2 unread, 2 for you']");
            Assert.NotEmpty(badges);
            Assert.All(badges, b => Assert.Contains("wpb-count-highlight", b.ClassList));
        }, TestNetwork.Timeout);

        await cut.ClickAsync("Message bob");

        cut.WaitForAssertion(() =>
        {
            Assert.Empty(cut.FindAll("[aria-label$=' unread']"));
            Assert.Contains("one", cut.LogText(), StringComparison.Ordinal);
            Assert.NotNull(cut.Find("[role=separator][aria-label='New messages']"));
        }, TestNetwork.Timeout);
        Assert.Equal(0, alice.FindDirect("bob")!.Unread);
    }

    [Fact]
    public async Task Broadcasts_seen_while_another_conversation_is_open_count_as_a_dim_badge()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<ChatShell>(p => p.Add(x => x.Agent, alice).Add(x => x.Peer, "bob"));

        await bob.BroadcastAsync("hello all", Ct);

        cut.WaitForAssertion(() =>
        {
            var badge = cut.Find("[aria-label='1 unread']");
            Assert.DoesNotContain("wpb-count-highlight", badge.ClassList);
        }, TestNetwork.Timeout);
    }

    [Fact]
    public async Task Broadcasts_in_the_open_conversation_are_read_at_once()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<ChatShell>(p => p.Add(x => x.Agent, alice));

        await bob.BroadcastAsync("hello all", Ct);

        cut.WaitForAssertion(() => Assert.Contains("hello all", cut.LogText(), StringComparison.Ordinal), TestNetwork.Timeout);
        // The line renders before the shell marks it read: both happen on the renderer, one after the other.
        cut.WaitForAssertion(() =>
        {
            Assert.Equal(0, alice.Broadcast.Unread);
            Assert.Empty(cut.FindAll("[aria-label$=' unread']"));
        }, TestNetwork.Timeout);
    }

    [Fact]
    public async Task Lines_stay_unread_while_the_page_is_hidden()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<ChatShell>(p => p.Add(x => x.Agent, alice));
        await cut.InvokeAsync(() => cut.Instance.SetPageVisible(false));

        await bob.BroadcastAsync("while you were away", Ct);
        await Signals.UntilAsync(alice, () => alice.Broadcast.Unread == 1, Ct);
        await cut.InvokeAsync(() => cut.Instance.SetPageVisible(true));

        cut.WaitForAssertion(() => Assert.Equal(0, alice.Broadcast.Unread), TestNetwork.Timeout);
        Assert.NotNull(cut.Find("[role=separator][aria-label='New messages']"));
    }

    [Fact]
    public async Task The_dark_mode_button_switches_the_theme_and_remembers_it()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<ChatShell>(p => p.Add(x => x.Agent, alice));
        var theme = chat.Context.Services.GetRequiredService<ThemeState>();

        await cut.ClickAsync("Dark mode");

        Assert.True(theme.IsDark);
        Assert.Equal("true", cut.FindButton("Dark mode").GetAttribute("aria-pressed"));
        chat.Js.VerifyInvoke("setTheme");
    }

    [Theory]
    [InlineData(LeaveButton)]
    [InlineData("close")]
    [InlineData("/quit")]
    public async Task Leave_asks_first_and_then_ends_the_agent(string how)
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        await Signals.UntilAsync(bob, () => bob.Peers.Any(p => p.Name == "alice"), Ct);
        var cut = chat.Render<ChatShell>(p => p.Add(x => x.Agent, alice));
        var left = Signals.NoticeAsync(bob, n => n.Kind == NoticeKind.Left && n.PeerName == "alice", Ct);

        var asking = await AskToLeaveAsync(cut, how);
        chat.Dialogs.WaitForAssertion(() => Assert.Contains("Leave the chat?", chat.Dialogs.Markup, StringComparison.Ordinal), TestNetwork.Timeout);
        Assert.NotNull(chat.Session.Agent);
        await chat.Dialogs.ClickAsync("Leave");
        await asking;

        await left;
        Assert.Null(chat.Session.Agent);
    }

    [Theory]
    [InlineData(LeaveButton)]
    [InlineData("close")]
    public async Task Stay_in_the_Leave_question_keeps_me_in_the_chat(string how)
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        await Signals.UntilAsync(bob, () => bob.Peers.Any(p => p.Name == "alice"), Ct);
        var cut = chat.Render<ChatShell>(p => p.Add(x => x.Agent, alice));

        var asking = await AskToLeaveAsync(cut, how);
        chat.Dialogs.WaitForAssertion(() => Assert.Contains("Leave the chat?", chat.Dialogs.Markup, StringComparison.Ordinal), TestNetwork.Timeout);
        await chat.Dialogs.ClickAsync("Stay");
        await asking;

        chat.Dialogs.WaitForAssertion(() => Assert.DoesNotContain("Leave the chat?", chat.Dialogs.Markup, StringComparison.Ordinal), TestNetwork.Timeout);
        Assert.Same(alice, chat.Session.Agent);
        Assert.Equal("", cut.FindByLabel("Message").GetAttribute("value") ?? "");
        Assert.DoesNotContain(alice.Broadcast.Snapshot(), m => m.IsOwn);

        // Still in: the next line reaches bob, who by then would have seen alice leave.
        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync("still here"));
        await cut.InvokeAsync(() => cut.FindByLabel("Message").KeyDownAsync(Enter));
        await Signals.UntilAsync(bob, () => bob.Broadcast.Snapshot().Any(m => m is { From: "alice", Text: "still here" }), Ct);
        Assert.Contains(bob.Peers, p => p.Name == "alice");
    }

    private const string LeaveButton = "the Leave button";

    private static readonly KeyboardEventArgs Enter = new() { Key = "Enter", Code = "Enter" };

    // Asks the way a person does: the app bar's Leave button, or the seed's close (or /quit) typed in the composer.
    private static async Task<Task> AskToLeaveAsync(IRenderedComponent<ChatShell> cut, string how)
    {
        if (how == LeaveButton)
        {
            return cut.ClickAsync("Leave");
        }

        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync(how));
        return cut.InvokeAsync(() => cut.FindByLabel("Message").KeyDownAsync(Enter));
    }

    [Fact]
    public async Task Joins_and_leaves_are_quiet_lines_and_only_a_direct_message_elsewhere_is_a_toast()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<ChatShell>(p => p.Add(x => x.Agent, alice));

        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        cut.WaitForAssertion(() => Assert.Contains("bob joined", cut.LogText(), StringComparison.Ordinal), TestNetwork.Timeout);
        var carol = await chat.Network.JoinPersonAsync("carol", Ct);
        await carol.LeaveAsync(Ct);
        cut.WaitForAssertion(() => Assert.Contains("carol left", cut.LogText(), StringComparison.Ordinal), TestNetwork.Timeout);
        await Signals.UntilAsync(bob, () => bob.Peers.Any(p => p.Name == "alice"), Ct);
        await bob.SendDirectAsync("alice", "a word in private", Ct);

        // Changes come in order: the toast of the dm proves that the join and the leave before it made none.
        chat.Snackbars.WaitForAssertion(() => Assert.Contains("bob (direct): a word in private", chat.ToastText, StringComparison.Ordinal),
            TestNetwork.Timeout);
        Assert.DoesNotContain("joined", chat.ToastText, StringComparison.Ordinal);
        Assert.DoesNotContain("left", chat.ToastText, StringComparison.Ordinal);
    }
}
