using Bunit;
using MudBlazor;
using WebPeerBridge.Web.Components.Chat;
using WebPeerBridge.Web.Tests.Support;

namespace WebPeerBridge.Web.Tests.Components;

/// <summary>What a phone needs: Esc closes the drawer, full names on truncated ones, a filter for a long people list.</summary>
public sealed class PhoneFixTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private const string MenuButton = "Conversations and people";

    [Fact]
    public async Task Escape_closes_the_drawer_that_lies_over_the_chat()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<ChatShell>(p => p.Add(x => x.Agent, alice));
        await cut.InvokeAsync(() => cut.FindComponent<MudHidden>().Instance.HiddenChanged.InvokeAsync(false)); // a narrow screen
        Assert.Equal("false", cut.FindButton(MenuButton).GetAttribute("aria-expanded"));
        await cut.ClickAsync(MenuButton);
        Assert.Equal("true", cut.FindButton(MenuButton).GetAttribute("aria-expanded"));

        await cut.InvokeAsync(() => cut.Instance.EscapePressed()); // what the browser's Esc watcher calls

        Assert.Equal("false", cut.FindButton(MenuButton).GetAttribute("aria-expanded"));
        chat.Js.VerifyInvoke("watchEscape");
    }

    [Fact]
    public async Task Escape_leaves_the_drawer_beside_the_chat_on_a_wide_screen()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<ChatShell>(p => p.Add(x => x.Agent, alice));
        await cut.InvokeAsync(() => cut.FindComponent<MudHidden>().Instance.HiddenChanged.InvokeAsync(true)); // a wide screen
        if (cut.FindButton(MenuButton).GetAttribute("aria-expanded") != "true")
        {
            await cut.ClickAsync(MenuButton);
        }

        await cut.InvokeAsync(() => cut.Instance.EscapePressed()); // what the browser's Esc watcher calls

        Assert.Equal("true", cut.FindButton(MenuButton).GetAttribute("aria-expanded"));
    }

    [Fact]
    public async Task Names_that_may_be_cut_short_carry_the_full_name()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        const string Long = "bartholomew_the_third";
        await chat.Network.JoinPersonAsync(Long, Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<ChatShell>(p => p.Add(x => x.Agent, alice));

        cut.WaitForAssertion(() => Assert.Equal(Long, cut.Find($"li[aria-label='{Long}'] .wpb-item-name").GetAttribute("title")), TestNetwork.Timeout);
        Assert.Equal("alice", cut.Find(".wpb-self-name").GetAttribute("title"));
    }

    [Fact]
    public async Task Past_twenty_people_a_filter_narrows_the_list_by_name()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<PeerList>(p => p.Add(x => x.Agent, alice));
        for (var i = 0; i < 20; i++)
        {
            await chat.Network.JoinPersonAsync($"p{i:00}", Ct);
        }

        await Signals.UntilAsync(alice, () => alice.Peers.Count == 20, Ct);
        cut.WaitForAssertion(() => Assert.Equal(20, cut.FindAll("li.wpb-peer").Count), TestNetwork.Timeout);
        Assert.Empty(cut.FindAll("[aria-label='Filter people']"));

        await chat.Network.JoinPersonAsync("zoe", Ct);
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("input[aria-label='Filter people']")), TestNetwork.Timeout);
        await cut.InvokeAsync(() => cut.Find("input[aria-label='Filter people']").InputAsync("ZO"));

        cut.WaitForAssertion(() => Assert.Equal(["zoe"], cut.FindAll("li.wpb-peer").Select(l => l.GetAttribute("aria-label"))), TestNetwork.Timeout);

        await cut.InvokeAsync(() => cut.Find("input[aria-label='Filter people']").InputAsync("nobody"));
        cut.WaitForAssertion(() => Assert.Equal("No one online matches “nobody”.", cut.Find("[role=status]").TextContent), TestNetwork.Timeout);
        Assert.Empty(cut.FindAll("li.wpb-peer"));
    }
}
