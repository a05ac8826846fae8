using Bunit;
using WebPeerBridge.Web.Components.Pages;
using WebPeerBridge.Web.Tests.Support;

namespace WebPeerBridge.Web.Tests.Components;

public sealed class HomeTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_browser_sees_the_join_screen()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);

        var cut = chat.Render<Home>();

        Assert.NotNull(cut.FindByLabel("Your name"));
        Assert.Empty(cut.FindAll("[role=log]"));
    }

    [Fact]
    public async Task Joining_in_one_tab_switches_every_tab_of_the_browser_to_the_chat()
    {
        await using var firstTab = await ChatHarness.StartAsync(Ct);
        // Another tab of the same browser: the same session cookie.
        using var sameBrowser = new WebPeerBridge.Web.Sessions.CurrentSession(firstTab.Network.Registry);
        sameBrowser.Initialize(firstTab.Session.Session.Id);
        var cut = firstTab.Render<Home>();

        var outcome = await sameBrowser.JoinAsync("alice", Ct);

        Assert.True(outcome.Success, outcome.Message);
        cut.WaitForAssertion(() => Assert.Equal("Messages to everyone", cut.Find("[role=log]").GetAttribute("aria-label")), TestNetwork.Timeout);
        Assert.Same(sameBrowser.Agent, firstTab.Session.Agent);
    }

    [Fact]
    public async Task The_address_of_a_direct_conversation_opens_it()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        await chat.Network.JoinPersonAsync("bob", Ct);
        await chat.JoinAsync("alice", Ct);

        var cut = chat.Render<Home>(p => p.Add(x => x.Peer, "bob"));

        Assert.Equal("Messages with bob", cut.Find("[role=log]").GetAttribute("aria-label"));
    }
}
