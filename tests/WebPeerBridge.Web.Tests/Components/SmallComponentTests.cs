using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Extensions;
using MudBlazor.Services;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Web.Components;
using WebPeerBridge.Web.Components.Chat;
using WebPeerBridge.Web.Components.Layout;
using WebPeerBridge.Web.Tests.Support;

namespace WebPeerBridge.Web.Tests.Components;

public sealed class SmallComponentTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_unread_count_names_itself_and_hides_at_zero()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);

        var three = chat.Render<UnreadCount>(p => p.Add(x => x.Count, 3));
        var none = chat.Render<UnreadCount>(p => p.Add(x => x.Count, 0));

        Assert.Equal("3", three.Find("[aria-label='3 unread']").TextContent);
        Assert.DoesNotContain("wpb-count-highlight", three.Find("span").ClassList);
        Assert.Equal("", none.Markup.Trim());
    }

    [Fact]
    public async Task An_unread_count_with_lines_for_you_is_bright_and_says_how_many()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);

        var count = chat.Render<UnreadCount>(p => p.Add(x => x.Count, 5).Add(x => x.Highlights, 2));

        Assert.Equal("5", count.Find("[aria-label='5 unread, 2 for you']").TextContent);
        Assert.Contains("wpb-count-highlight", count.Find("span").ClassList);
    }

    [Fact]
    public async Task A_conversation_with_a_draft_is_marked()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        chat.Session.Session.SetDraft("bob", "unsent");

        var marked = chat.Render<DraftMark>(p => p.Add(x => x.ConversationKey, "bob"));
        var plain = chat.Render<DraftMark>(p => p.Add(x => x.ConversationKey, Conversation.BroadcastKey));

        Assert.NotNull(marked.Find("[aria-label='Unsent draft']"));
        Assert.Empty(plain.FindAll("[aria-label='Unsent draft']"));
    }

    [Fact]
    public async Task The_conversation_list_has_everyone_and_each_direct_conversation()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        string? selected = null;
        var cut = chat.Render<ConversationList>(p => p.Add(x => x.Agent, alice).Add(x => x.OnSelect, (string key) => selected = key));
        Assert.Equal("page", cut.FindButton("Everyone").GetAttribute("aria-current"));

        alice.OpenDirect("bob");

        cut.WaitForAssertion(() => cut.FindButton("bob"), TestNetwork.Timeout);
        await cut.ClickAsync("bob");
        Assert.Equal("bob", selected);
    }

    [Fact]
    public async Task The_layout_hosts_the_page_and_follows_the_theme()
    {
        // The layout brings its own MudBlazor providers, so it gets a context without the harness's.
        await using var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddScoped<ThemeState>();
        context.Services.AddScoped<BridgeJs>();
        var theme = context.Services.GetRequiredService<ThemeState>();

        var cut = context.Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b => b.AddContent(0, "the page"))));
        Assert.Contains("the page", cut.Markup, StringComparison.Ordinal);
        Assert.False(cut.FindComponent<MudThemeProvider>().Instance.GetState(x => x.IsDarkMode));

        await cut.InvokeAsync(() => theme.Set(dark: true));

        cut.WaitForAssertion(() => Assert.True(cut.FindComponent<MudThemeProvider>().Instance.GetState(x => x.IsDarkMode)));
    }

    [Fact]
    public async Task A_mention_in_the_open_conversation_is_no_toast_and_a_direct_message_elsewhere_is()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        chat.Render<NoticeSnackbars>(p => p.Add(x => x.Agent, alice).Add(x => x.OpenKey, Conversation.BroadcastKey));
        await Signals.UntilAsync(bob, () => bob.Peers.Any(p => p.Name == "alice"), Ct);

        await bob.BroadcastAsync("alice: seen this one?", Ct);
        await bob.SendDirectAsync("alice", "psst", Ct);

        // Changes come in order: the dm's toast proves that the mention before it, in the open conversation, made none.
        chat.Snackbars.WaitForAssertion(() => Assert.Contains("bob (direct): psst", chat.ToastText, StringComparison.Ordinal), TestNetwork.Timeout);
        Assert.DoesNotContain("seen this one", chat.ToastText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Losing_the_rendezvous_server_is_an_error_toast_and_a_join_before_it_is_none()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        chat.Render<NoticeSnackbars>(p => p.Add(x => x.Agent, alice).Add(x => x.OpenKey, Conversation.BroadcastKey));
        await chat.Network.JoinPersonAsync("bob", Ct);
        await Signals.UntilAsync(alice, () => alice.Peers.Any(p => p.Name == "bob"), Ct);

        await chat.Network.StopServerAsync(Ct);

        // Changes come in order: the error's toast proves that bob's join before it made none.
        chat.Snackbars.WaitForAssertion(() => Assert.Contains("Reconnecting…", chat.ToastText, StringComparison.Ordinal), TestNetwork.Timeout);
        Assert.DoesNotContain("bob", chat.ToastText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mention_in_a_conversation_not_open_is_a_toast()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        chat.Render<NoticeSnackbars>(p => p.Add(x => x.Agent, alice).Add(x => x.OpenKey, "bob"));

        await bob.BroadcastAsync("and this, @Alice?", Ct);

        chat.Snackbars.WaitForAssertion(() => Assert.Contains("bob mentioned you: and this, @Alice?", chat.ToastText, StringComparison.Ordinal),
            TestNetwork.Timeout);
    }
}
