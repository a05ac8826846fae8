using Bunit;
using WebPeerBridge.Web.Components.Chat;
using WebPeerBridge.Web.Sessions;
using WebPeerBridge.Web.Tests.Support;

namespace WebPeerBridge.Web.Tests.Components;

public sealed class JoinScreenTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task Joining_with_a_name_starts_this_browsers_agent()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var cut = chat.Render<JoinScreen>();

        cut.FindByLabel("Your name").Input("alice");
        await cut.Find("form").SubmitAsync();

        cut.WaitForAssertion(() => Assert.Equal("alice", chat.Session.Agent?.Name), TestNetwork.Timeout);
    }

    [Fact]
    public async Task The_join_button_is_off_until_a_name_is_typed()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var cut = chat.Render<JoinScreen>();

        Assert.True(cut.FindButton("Join").IsDisabled());
        cut.FindByLabel("Your name").Input("alice");

        Assert.False(cut.FindButton("Join").IsDisabled());
    }

    [Fact]
    public async Task A_name_with_a_space_is_explained_inline_and_cannot_join()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var cut = chat.Render<JoinScreen>();

        cut.FindByLabel("Your name").Input("alice smith");

        Assert.Contains("No spaces", cut.Markup, StringComparison.Ordinal);
        Assert.True(cut.FindButton("Join").IsDisabled());
        Assert.Equal("true", cut.FindByLabel("Your name").GetAttribute("aria-invalid"));
    }

    [Fact]
    public async Task A_name_with_a_disallowed_character_is_explained_inline()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var cut = chat.Render<JoinScreen>();

        cut.FindByLabel("Your name").Input("alice!");

        Assert.Contains("only letters, digits", cut.Find("form").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_taken_name_says_so()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        await chat.Network.JoinPersonAsync("bob", Ct);
        var cut = chat.Render<JoinScreen>();

        cut.FindByLabel("Your name").Input("bob");
        await cut.Find("form").SubmitAsync();

        cut.WaitForAssertion(() => Assert.Equal("That name is taken — choose another", cut.Find("[role=alert]").TextContent.Trim()),
            TestNetwork.Timeout);
        Assert.Null(chat.Session.Agent);
        Assert.False(cut.FindButton("Join").IsDisabled());
    }

    [Fact]
    public async Task A_chat_server_that_is_down_is_named_with_its_address()
    {
        var port = TestNetwork.FreePort();
        await using var chat = ChatHarness.Create(TestNetwork.CreateRegistry(port), ownsNetwork: true);
        var cut = chat.Render<JoinScreen>();

        cut.FindByLabel("Your name").Input("alice");
        await cut.Find("form").SubmitAsync();

        cut.WaitForAssertion(() => Assert.Equal($"The chat server is not reachable at 127.0.0.1:{port}", cut.Find("[role=alert]").TextContent.Trim()),
            TestNetwork.Timeout);
    }

    [Fact]
    public async Task A_full_bridge_shows_the_cap_message()
    {
        await using var chat = await ChatHarness.StartAsync(Ct, maxAgents: 1);
        var other = chat.Network.Registry.Attach(SessionCookie.NewId());
        Assert.True((await chat.Network.Registry.JoinAsync(other, "bob", Ct)).Success);

        var cut = chat.Render<JoinScreen>();
        Assert.Contains("The bridge is full (1 person). Try again later.", cut.Markup, StringComparison.Ordinal);
        cut.FindByLabel("Your name").Input("alice");
        await cut.Find("form").SubmitAsync();

        cut.WaitForAssertion(() => Assert.Equal("The bridge is full (1 person). Try again later.", cut.Find("[role=alert]").TextContent.Trim()),
            TestNetwork.Timeout);
    }

    [Fact]
    public async Task A_join_beyond_the_agents_of_its_address_shows_why()
    {
        await using var network = await TestNetwork.StartAsync(Ct, configure: o => o.MaxAgentsPerAddress = 1);
        var lab = System.Net.IPAddress.Parse("10.0.0.7");
        Assert.True((await network.Registry.JoinAsync(network.Registry.Attach(SessionCookie.NewId()), "bob", lab, Ct)).Success);
        await using var chat = ChatHarness.Create(network, initialize: false);
        chat.Session.Initialize(SessionCookie.NewId(), lab);

        var cut = chat.Render<JoinScreen>();
        cut.FindByLabel("Your name").Input("alice");
        await cut.Find("form").SubmitAsync();

        cut.WaitForAssertion(() => Assert.Equal("Too many people have joined from your address (at most 1). Someone there must leave first.",
            cut.Find("[role=alert]").TextContent.Trim()), TestNetwork.Timeout);
        Assert.Null(chat.Session.Agent);
    }

    [Fact]
    public async Task It_names_the_chat_server_it_uses()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);

        var cut = chat.Render<JoinScreen>();

        Assert.Contains($"Chat server: 127.0.0.1:{chat.Network.Port}", cut.Markup, StringComparison.Ordinal);
    }
}
