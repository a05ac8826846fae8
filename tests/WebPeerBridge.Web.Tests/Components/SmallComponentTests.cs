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

        var three = chat.Render<UnreadCount>(p => p.Add(x => x.Count, 3).Add(x => x.Highlight, true));
        var none = chat.Render<UnreadCount>(p => p.Add(x => x.Count, 0));

        Assert.Equal("3", three.Find("[aria-label='3 unread']").TextContent);
        Assert.Contains("wpb-count-highlight", three.Find("span").ClassList);
        Assert.Equal("", none.Markup.Trim());
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
    public async Task Notices_from_the_agent_show_as_snackbars()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        chat.Render<NoticeSnackbars>(p => p.Add(x => x.Agent, alice));

        await chat.Network.JoinPersonAsync("bob", Ct);

        chat.Snackbars.WaitForAssertion(() => Assert.Contains("bob", chat.Snackbars.Markup, StringComparison.Ordinal), TestNetwork.Timeout);
    }
}
