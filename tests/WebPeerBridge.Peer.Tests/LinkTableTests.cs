using System.Net;
using WebPeerBridge.Peer.Links;

namespace WebPeerBridge.Peer.Tests;

public sealed class LinkTableTests
{
    [Fact]
    public void Of_two_links_dialed_at_once_the_one_dialed_by_the_name_sorting_first_stays_on_both_sides()
    {
        // On alice's side both links are with bob; on bob's side both are with alice. Same dialers, same verdict.
        var aliceSide = new LinkTable();
        aliceSide.Register(new StubLink("bob", dialer: "Bob"));
        var (_, aliceLoser) = aliceSide.Register(new StubLink("bob", dialer: "alice"));

        var bobSide = new LinkTable();
        bobSide.Register(new StubLink("alice", dialer: "alice"));
        var (_, bobLoser) = bobSide.Register(new StubLink("alice", dialer: "Bob"));

        Assert.Equal("Bob", aliceLoser!.DialerName);
        Assert.Equal("Bob", bobLoser!.DialerName);
        Assert.True(aliceSide.TryGetOpen("BOB", out var kept));
        Assert.Equal("alice", kept.DialerName);
    }

    [Fact]
    public void A_second_link_dialed_by_the_same_side_replaces_the_first()
    {
        var table = new LinkTable();
        var old = new StubLink("bob", dialer: "bob");
        table.Register(old);

        var (opened, loser) = table.Register(new StubLink("bob", dialer: "bob"));

        Assert.False(opened);
        Assert.Same(old, loser);
    }

    [Fact]
    public void Current_peer_is_the_last_used_open_link_else_the_only_one()
    {
        var table = new LinkTable();
        var bob = new StubLink("bob", "alice");
        var carol = new StubLink("carol", "alice");
        table.Register(bob);
        Assert.Equal("bob", table.CurrentPeer);

        table.Register(carol);
        Assert.Null(table.CurrentPeer);
        table.MarkCurrent("carol");
        Assert.Equal("carol", table.CurrentPeer);

        table.Remove(carol);
        Assert.Equal("bob", table.CurrentPeer);
        Assert.Equal(DirectLinkState.Closed, table.GetState("carol"));
        Assert.Equal(DirectLinkState.None, table.GetState("dave"));
    }

    private sealed class StubLink(string peer, string dialer) : DirectLink(peer, dialer, isOutgoing: false, new IPEndPoint(IPAddress.Loopback, 1))
    {
        public override bool GivesReceipts => true;

        protected override Task ReadLoopAsync() => Task.CompletedTask;

        public override Task<bool> SendAsync(string id, string text, DateTimeOffset at, CancellationToken cancellationToken) => Task.FromResult(true);

        public override Task CloseAsync(string reason, bool sayBye) => Task.CompletedTask;
    }
}
