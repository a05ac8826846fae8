using Bunit;
using Microsoft.AspNetCore.Components.Web;
using WebPeerBridge.Peer;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Web.Components.Chat;
using WebPeerBridge.Web.Tests.Support;

namespace WebPeerBridge.Web.Tests.Components;

/// <summary>The composer's "/" command list and "@"/Tab name completion, as a person types.</summary>
public sealed class CommandPaletteTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static KeyboardEventArgs Key(string key) => new() { Key = key, Code = key };

    [Fact]
    public async Task A_slash_opens_the_list_of_commands_with_the_seed_typed_ones()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = RenderComposer(chat, alice);

        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync("/"));

        var list = cut.Find("[role=listbox][aria-label='Commands']");
        var options = list.QuerySelectorAll("[role=option]").Select(o => o.QuerySelector(".wpb-completion-label")!.TextContent).ToList();
        Assert.Contains("/help", options);
        Assert.Contains("conn:<host>:<port>", options);
        Assert.Contains("to_peer:<text>", options);
        Assert.Contains("close", options);
        Assert.Equal("true", cut.FindByLabel("Message").GetAttribute("aria-expanded"));
    }

    [Fact]
    public async Task The_command_list_is_filtered_as_you_type()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = RenderComposer(chat, alice);

        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync("/he"));

        var option = Assert.Single(cut.FindAll("[role=option]"));
        Assert.Contains("/help", option.TextContent, StringComparison.Ordinal);
        Assert.Contains("show this help", option.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enter_with_the_list_open_sends_the_text_as_typed()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        await Signals.UntilAsync(alice, () => alice.Peers.Any(p => p.Name == "bob"), Ct);
        var cut = RenderComposer(chat, alice);

        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync("hi @bo"));
        Assert.Single(cut.FindAll("[role=listbox][aria-label='Names'] [role=option]"));
        await cut.InvokeAsync(() => cut.FindByLabel("Message").KeyDownAsync(Key("Enter")));

        await Signals.UntilAsync(bob, () => bob.Broadcast.Snapshot().Any(m => m is { From: "alice", Text: "hi @bo" }), Ct);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[role=listbox]")), TestNetwork.Timeout);
    }

    [Fact]
    public async Task Enter_after_the_arrow_keys_picks_the_chosen_command_and_sends_nothing()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = RenderComposer(chat, alice);

        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync("/he"));
        await cut.InvokeAsync(() => cut.FindByLabel("Message").KeyDownAsync(Key("ArrowDown")));
        Assert.Equal("true", cut.Find("[role=option]").GetAttribute("aria-selected"));
        Assert.Equal(cut.Find("[role=option]").Id, cut.FindByLabel("Message").GetAttribute("aria-activedescendant"));
        await cut.InvokeAsync(() => cut.FindByLabel("Message").KeyDownAsync(Key("Enter")));

        Assert.Equal("/help", cut.FindByLabel("Message").GetAttribute("value"));
        Assert.Empty(cut.FindAll("[role=listbox]"));
        Assert.Empty(cut.FindAll(".wpb-help")); // picked, not carried out
    }

    [Fact]
    public async Task Tab_completes_a_peer_name_and_cycles_on()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        await chat.Network.JoinPersonAsync("bob", Ct);
        await chat.Network.JoinPersonAsync("bobby", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        await Signals.UntilAsync(alice, () => alice.Peers.Count == 2, Ct);
        var cut = RenderComposer(chat, alice);

        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync("thanks bo"));
        await cut.InvokeAsync(() => cut.FindByLabel("Message").KeyDownAsync(Key("Tab")));

        Assert.Equal("thanks bob ", cut.FindByLabel("Message").GetAttribute("value"));
        var options = cut.FindAll("[role=listbox][aria-label='Names'] [role=option]");
        Assert.Equal(["bob", "bobby"], options.Select(o => o.TextContent.Trim()));
        Assert.Equal("1", cut.Find(".wpb-composer").GetAttribute("data-completing"));

        await cut.InvokeAsync(() => cut.FindByLabel("Message").KeyDownAsync(Key("Tab")));
        Assert.Equal("thanks bobby ", cut.FindByLabel("Message").GetAttribute("value"));
    }

    [Fact]
    public async Task The_browser_helper_gets_the_completed_text_to_put_in_the_box_itself()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        await Signals.UntilAsync(alice, () => alice.Peers.Count == 1, Ct);
        var cut = RenderComposer(chat, alice);

        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync("/he"));
        await cut.InvokeAsync(() => cut.FindByLabel("Message").KeyDownAsync(Key("ArrowDown")));
        var picked = await cut.InvokeAsync(() => cut.Instance.PickCompletion("/he"));
        var completed = await cut.InvokeAsync(() => cut.Instance.CompleteTab("hi b"));

        Assert.Equal("/help", picked);
        Assert.Equal("hi bob ", completed);
        Assert.Null(await cut.InvokeAsync(() => cut.Instance.CompleteTab("hi zed")));
    }

    [Fact]
    public async Task Escape_closes_the_list()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = RenderComposer(chat, alice);
        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync("/"));

        await cut.InvokeAsync(() => cut.FindByLabel("Message").KeyDownAsync(Key("Escape")));

        Assert.Empty(cut.FindAll("[role=listbox]"));
        Assert.Equal("false", cut.FindByLabel("Message").GetAttribute("aria-expanded"));
    }

    [Fact]
    public async Task Pressing_an_option_puts_it_in_the_message_box()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = RenderComposer(chat, alice);
        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync("/c"));

        var conn = cut.FindAll("[role=option]").Single(o => o.TextContent.Contains("conn:", StringComparison.Ordinal));
        await cut.InvokeAsync(() => conn.ClickAsync(new MouseEventArgs()));

        Assert.Equal("conn:", cut.FindByLabel("Message").GetAttribute("value"));
        Assert.Empty(cut.FindAll("[role=listbox]"));
    }

    private static IRenderedComponent<Composer> RenderComposer(ChatHarness chat, PeerAgent agent) =>
        chat.Render<Composer>(p => p.Add(x => x.Agent, agent).Add(x => x.ConversationKey, Conversation.BroadcastKey));
}
