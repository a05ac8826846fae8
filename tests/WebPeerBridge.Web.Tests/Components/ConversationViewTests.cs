using System.Net;
using System.Net.Sockets;
using Bunit;
using Microsoft.AspNetCore.Components.Web;
using WebPeerBridge.Peer;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Web.Components.Chat;
using WebPeerBridge.Web.Tests.Support;

namespace WebPeerBridge.Web.Tests.Components;

public sealed class ConversationViewTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_direct_conversation_shows_where_the_peer_is()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        await Signals.UntilAsync(alice, () => alice.Peers.Any(p => p.Name == "bob"), Ct);

        var cut = chat.Render<ConversationView>(p => p.Add(x => x.Agent, alice).Add(x => x.ConversationKey, "bob"));

        Assert.Equal("bob", cut.Find("h1").TextContent.Trim());
        Assert.Contains($"Online at 127.0.0.1:{bob.PeerPort}", cut.Find("header").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("unverified", cut.Find("header").TextContent, StringComparison.Ordinal);

        await bob.LeaveAsync(Ct);

        cut.WaitForAssertion(() => Assert.Contains("Offline · messages wait here (queued) and go out when bob is back", cut.Find("header").TextContent,
            StringComparison.Ordinal), TestNetwork.Timeout);
        cut.WaitForAssertion(() => Assert.Contains("bob left.", cut.LogText(), StringComparison.Ordinal), TestNetwork.Timeout);
        var sent = await alice.SendDirectAsync("bob", "for when you are back", Ct);
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find($"[data-message-id='{sent.MessageId}'] [role=img][aria-label='Queued']")), TestNetwork.Timeout);
    }

    [Fact]
    public async Task The_peer_leaving_and_coming_back_read_as_lines_of_the_conversation()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        await Signals.UntilAsync(bob, () => bob.Peers.Any(p => p.Name == "alice"), Ct);
        await bob.SendDirectAsync("alice", "brb", Ct);
        await Signals.UntilAsync(alice, () => alice.FindDirect("bob")?.Snapshot().Any(m => m.Text == "brb") == true, Ct);
        var cut = chat.Render<ConversationView>(p => p.Add(x => x.Agent, alice).Add(x => x.ConversationKey, "bob"));

        await bob.LeaveAsync(Ct);
        cut.WaitForAssertion(() => Assert.Contains("bob left.", cut.LogText(), StringComparison.Ordinal), TestNetwork.Timeout);
        await chat.Network.JoinPersonAsync("bob", Ct);

        cut.WaitForAssertion(() => Assert.Contains("bob is back.", cut.LogText(), StringComparison.Ordinal), TestNetwork.Timeout);
    }

    [Fact]
    public async Task A_conversation_with_someone_offline_and_never_met_says_plainly_that_messages_cannot_be_sent()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);

        var cut = chat.Render<ConversationView>(p => p.Add(x => x.Agent, alice).Add(x => x.ConversationKey, "carol"));

        Assert.Contains("carol is offline; messages can't be sent until carol is back", cut.Find("header").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("delivered", cut.Find("header").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_peer_without_a_key_that_left_gets_no_queue_and_the_header_and_the_send_say_why()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var old = await chat.Network.JoinKeylessPeerAsync("old", 5558, Ct);
        await Signals.UntilAsync(alice, () => alice.Peers.Any(p => p.Name == "old"), Ct);
        var cut = chat.Render<ConversationView>(p => p.Add(x => x.Agent, alice).Add(x => x.ConversationKey, "old"));

        await old.SendAsync("{\"type\":\"bye\"}\n"u8.ToArray(), SocketFlags.None, Ct);

        const string Why = "can't wait for old here: without a key there is no way to prove it is the same peer";
        cut.WaitForAssertion(() => Assert.Contains($"old is offline; messages can't be sent until old is back, and {Why}", cut.Find("header").TextContent,
            StringComparison.Ordinal), TestNetwork.Timeout);
        Assert.DoesNotContain("queued", cut.Find("header").TextContent, StringComparison.Ordinal);
        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync("are you still there?"));
        await cut.InvokeAsync(() => cut.FindByLabel("Message").KeyDownAsync(new KeyboardEventArgs { Key = "Enter" }));
        chat.Snackbars.WaitForAssertion(() => Assert.Contains(Why, chat.ToastText, StringComparison.Ordinal),
            TestNetwork.Timeout);
        Assert.Equal("are you still there?", cut.FindByLabel("Message").GetAttribute("value"));
        Assert.DoesNotContain(alice.FindDirect("old")!.Snapshot(), m => m.IsOwn);
    }

    [Fact]
    public async Task The_header_of_a_conversation_with_a_peer_without_a_key_says_it_is_unverified()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        await chat.Network.JoinKeylessPeerAsync("old", 5558, Ct);
        await Signals.UntilAsync(alice, () => alice.Peers.Any(p => p.Name == "old"), Ct);

        var cut = chat.Render<ConversationView>(p => p.Add(x => x.Agent, alice).Add(x => x.ConversationKey, "old"));

        Assert.Contains("unverified: cannot prove this is old", cut.Find("header").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_classic_client_that_typed_close_shows_offline_with_its_direct_link_still_open()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        using var seedListener = new TcpListener(IPAddress.Loopback, 0);
        seedListener.Start();
        var seedPort = ((IPEndPoint)seedListener.LocalEndpoint).Port;
        var alice = await chat.JoinAsync("alice", Ct);
        var zoe = await chat.Network.JoinClassicClientAsync("zoe", seedPort, Ct);
        await Signals.UntilAsync(alice, () => alice.Peers.Any(p => p.Name == "zoe"), Ct);
        Assert.True((await alice.SendDirectAsync("zoe", "hi zoë", Ct)).Accepted);
        using var link = await seedListener.AcceptSocketAsync(Ct).AsTask().WaitAsync(TestNetwork.Timeout, Ct);
        var cut = chat.Render<ConversationView>(p => p.Add(x => x.Agent, alice).Add(x => x.ConversationKey, "zoe"));

        await zoe.SendAsync("close"u8.ToArray(), SocketFlags.None, Ct); // leaves the server, keeps its links

        cut.WaitForAssertion(() => Assert.Contains("Offline from the chat server · direct link still open", cut.Find("header").TextContent,
            StringComparison.Ordinal), TestNetwork.Timeout);
        Assert.Equal(DirectLinkState.Open, alice.GetLinkState("zoe"));
    }

    [Fact]
    public async Task When_the_chat_server_goes_away_it_says_reconnecting_and_the_composer_keeps_working()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var view = chat.Render<ConversationView>(p => p.Add(x => x.Agent, alice).Add(x => x.ConversationKey, Conversation.BroadcastKey));
        var chip = chat.Render<LinkStateChip>(p => p.Add(x => x.Agent, alice));
        Assert.Equal("Online", chip.Find("[role=status]").TextContent.Trim());

        await chat.Network.StopServerAsync(Ct);

        chip.WaitForAssertion(() => Assert.Contains("Reconnecting", chip.Find("[role=status]").TextContent, StringComparison.Ordinal), TestNetwork.Timeout);
        view.WaitForAssertion(() => Assert.Contains("Reconnecting to the chat server", view.Markup, StringComparison.Ordinal), TestNetwork.Timeout);
        Assert.False(view.FindByLabel("Message").IsDisabled());
        await view.InvokeAsync(() => view.FindByLabel("Message").InputAsync("typed while offline"));
        Assert.Equal("typed while offline", view.FindByLabel("Message").GetAttribute("value"));
    }

    [Fact]
    public async Task An_agent_that_is_closed_for_good_offers_to_join_again()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var leaving = false;
        var view = chat.Render<ConversationView>(p => p.Add(x => x.Agent, alice).Add(x => x.ConversationKey, Conversation.BroadcastKey)
            .Add(x => x.OnLeave, () => leaving = true));

        await alice.LeaveAsync(Ct);

        view.WaitForAssertion(() => Assert.Contains("You are no longer connected to the chat", view.Find("[role=alert]").TextContent, StringComparison.Ordinal),
            TestNetwork.Timeout);
        await view.ClickAsync("Join again");
        Assert.True(leaving);
    }
}
