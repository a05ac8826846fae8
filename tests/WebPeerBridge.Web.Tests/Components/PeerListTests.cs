using Bunit;
using WebPeerBridge.Web.Components.Chat;
using WebPeerBridge.Web.Tests.Support;

namespace WebPeerBridge.Web.Tests.Components;

public sealed class PeerListTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_peer_list_shows_hosts_and_ports_and_follows_joins_and_leaves()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<PeerList>(p => p.Add(x => x.Agent, alice));
        Assert.Contains("Nobody else is online yet", cut.Markup, StringComparison.Ordinal);

        var bob = await chat.Network.JoinPersonAsync("bob", Ct);

        cut.WaitForAssertion(() => Assert.Contains($"127.0.0.1:{bob.PeerPort}", cut.Find("li[aria-label='bob']").TextContent, StringComparison.Ordinal),
            TestNetwork.Timeout);
        Assert.True(cut.HasButton("Message bob"));
        Assert.True(cut.HasButton("Connect to bob"));

        await bob.LeaveAsync(Ct);

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("li[aria-label='bob']")), TestNetwork.Timeout);
    }

    [Fact]
    public async Task A_classic_client_is_badged_with_what_it_cannot_do()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<PeerList>(p => p.Add(x => x.Agent, alice));

        await chat.Network.JoinClassicClientAsync("carol", 5555, Ct);

        cut.WaitForAssertion(() =>
        {
            var row = cut.Find("li[aria-label='carol']");
            Assert.Contains("127.0.0.1:5555", row.TextContent, StringComparison.Ordinal);
            Assert.NotNull(row.QuerySelector("[aria-label='Classic client: unverified, no history, no delivery receipts']"));
        }, TestNetwork.Timeout);
    }

    [Fact]
    public async Task A_peer_without_a_key_is_badged_unverified_and_a_keyed_one_is_not()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<PeerList>(p => p.Add(x => x.Agent, alice));

        await chat.Network.JoinPersonAsync("bob", Ct);
        await chat.Network.JoinKeylessPeerAsync("old", 5557, Ct);

        cut.WaitForAssertion(() =>
        {
            var row = cut.Find("li[aria-label='old']");
            Assert.NotNull(row.QuerySelector(".wpb-peer-sub .wpb-badge-unverified"));
            Assert.Contains("unverified", row.TextContent, StringComparison.Ordinal);
            Assert.Null(cut.Find("li[aria-label='bob']").QuerySelector(".wpb-badge-unverified"));
        }, TestNetwork.Timeout);
    }

    [Fact]
    public async Task The_classic_client_badge_sits_on_the_address_line_and_leaves_the_name_its_room()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<PeerList>(p => p.Add(x => x.Agent, alice));

        await chat.Network.JoinClassicClientAsync("Zoë_Smith", 5556, Ct);

        cut.WaitForAssertion(() =>
        {
            var row = cut.Find("li[aria-label='Zoë_Smith']");
            Assert.Null(row.QuerySelector(".wpb-peer-name .wpb-badge-classic"));
            var addressLine = row.QuerySelector(".wpb-peer-sub")!;
            Assert.Contains("127.0.0.1:5556", addressLine.TextContent, StringComparison.Ordinal);
            Assert.NotNull(addressLine.QuerySelector(".wpb-badge-classic"));
        }, TestNetwork.Timeout);
    }

    [Fact]
    public async Task Message_asks_to_open_the_conversation_with_that_peer()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        string? opened = null;
        var cut = chat.Render<PeerList>(p => p.Add(x => x.Agent, alice).Add(x => x.OnMessage, (string name) => opened = name));

        cut.WaitForAssertion(() => cut.FindButton("Message bob"), TestNetwork.Timeout);
        await cut.ClickAsync("Message bob");

        Assert.Equal("bob", opened);
    }

    [Fact]
    public async Task Connect_opens_a_direct_link_to_the_peer()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<PeerList>(p => p.Add(x => x.Agent, alice));
        cut.WaitForAssertion(() => cut.FindButton("Connect to bob"), TestNetwork.Timeout);

        await cut.ClickAsync("Connect to bob");

        cut.WaitForAssertion(() =>
        {
            Assert.NotNull(cut.Find("li[aria-label='bob']").QuerySelector("[aria-label='Direct link open']"));
            Assert.False(cut.HasButton("Connect to bob"));
        }, TestNetwork.Timeout);
        Assert.Equal(WebPeerBridge.Peer.DirectLinkState.Open, alice.GetLinkState("bob"));
        await Signals.UntilAsync(bob, () => bob.GetLinkState("alice") == WebPeerBridge.Peer.DirectLinkState.Open, Ct);
    }

    [Fact]
    public async Task A_direct_message_shows_as_an_unread_badge_on_the_peer()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<PeerList>(p => p.Add(x => x.Agent, alice));
        await Signals.UntilAsync(bob, () => bob.Peers.Any(p => p.Name == "alice"), Ct);

        await bob.SendDirectAsync("alice", "psst", Ct);

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("li[aria-label='bob']").QuerySelector("[aria-label='1 unread, 1 for you']")), TestNetwork.Timeout);
    }
}
