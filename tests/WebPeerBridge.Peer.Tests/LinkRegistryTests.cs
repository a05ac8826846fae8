using System.Net;
using WebPeerBridge.Peer.Links;

namespace WebPeerBridge.Peer.Tests;

public sealed class LinkRegistryTests
{
    [Fact]
    public void Of_two_links_dialed_at_once_the_one_dialed_by_the_name_sorting_first_stays_on_both_sides()
    {
        // On alice's side both links are with bob; on bob's side both are with alice. Same dialers, same verdict.
        var aliceSide = new LinkRegistry();
        aliceSide.Register(new StubLink("bob", dialer: "Bob"));
        var aliceLoser = aliceSide.Register(new StubLink("bob", dialer: "alice")).Loser;

        var bobSide = new LinkRegistry();
        bobSide.Register(new StubLink("alice", dialer: "alice"));
        var bobLoser = bobSide.Register(new StubLink("alice", dialer: "Bob")).Loser;

        Assert.Equal("Bob", aliceLoser!.DialerName);
        Assert.Equal("Bob", bobLoser!.DialerName);
        Assert.True(aliceSide.TryGetOpen("BOB", out var kept));
        Assert.Equal("alice", kept.DialerName);
    }

    [Fact]
    public void A_second_link_dialed_by_the_same_side_replaces_the_first()
    {
        var table = new LinkRegistry();
        var old = new StubLink("bob", dialer: "bob");
        table.Register(old);

        var second = table.Register(new StubLink("bob", dialer: "bob"));

        Assert.False(second.Opened);
        Assert.Same(old, second.Loser);
    }

    [Fact]
    public void An_unverified_link_never_displaces_a_verified_one_whoever_dialed()
    {
        var table = new LinkRegistry();
        var verified = new StubLink("bob", dialer: "bob", verified: true);
        table.Register(verified);

        // "aaa" sorts first and the same side dialed: either would win the dial-race rule, but neither proved who it is.
        var forged = table.Register(new StubLink("bob", dialer: "aaa"));
        var again = table.Register(new StubLink("bob", dialer: "bob"));

        Assert.False(forged.Refused);
        Assert.Equal("aaa", forged.Loser!.DialerName);
        Assert.False(again.Loser!.IsVerified);
        Assert.True(table.TryGetOpen("bob", out var kept));
        Assert.Same(verified, kept);
    }

    [Fact]
    public void A_verified_link_replaces_an_unverified_one()
    {
        var table = new LinkRegistry();
        var plain = new StubLink("bob", dialer: "alice");
        table.Register(plain);

        var secured = table.Register(new StubLink("bob", dialer: "bob", verified: true));

        Assert.Same(plain, secured.Loser);
        Assert.True(table.TryGetOpen("bob", out var kept));
        Assert.True(kept.IsVerified);
    }

    [Fact]
    public void A_closed_registry_refuses_new_links_and_dials()
    {
        var table = new LinkRegistry();
        var live = new StubLink("bob", dialer: "alice");
        table.Register(live);

        var closing = table.Close();

        Assert.Same(live, Assert.Single(closing));
        Assert.True(table.Register(new StubLink("carol", dialer: "alice")).Refused);
        Assert.Null(table.GetOrStartDial("dave", () => Task.FromResult(new LinkResult(LinkOutcome.Open, "dave"))));
    }

    [Fact]
    public void Current_peer_is_the_last_opened_or_used_open_link_else_the_only_one()
    {
        var table = new LinkRegistry();
        var bob = new StubLink("bob", "alice");
        var carol = new StubLink("carol", "alice");
        table.Register(bob);
        Assert.Equal("bob", table.CurrentPeer);

        table.Register(carol);
        Assert.Equal("carol", table.CurrentPeer);
        table.MarkCurrent("bob");
        Assert.Equal("bob", table.CurrentPeer);

        table.Remove(bob);
        Assert.Equal("carol", table.CurrentPeer);
        table.MarkCurrent("dave");
        Assert.Equal("carol", table.CurrentPeer);
        Assert.Equal(DirectLinkState.Closed, table.GetState("bob"));
        Assert.Equal(DirectLinkState.None, table.GetState("dave"));
    }

    private sealed class StubLink(string peer, string dialer, bool verified = false)
        : DirectLink(peer, dialer, isOutgoing: false, new IPEndPoint(IPAddress.Loopback, 1))
    {
        public override bool GivesReceipts => true;

        public override bool IsVerified => verified;

        protected override Task ReadLoopAsync() => Task.CompletedTask;

        public override Task<bool> SendAsync(string id, string text, DateTimeOffset at, CancellationToken cancellationToken) => Task.FromResult(true);

        public override Task CloseAsync(string reason, bool sayBye) => Task.CompletedTask;
    }
}
