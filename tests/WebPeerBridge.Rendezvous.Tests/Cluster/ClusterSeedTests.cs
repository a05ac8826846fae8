using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Rendezvous.Tests.Support;

namespace WebPeerBridge.Rendezvous.Tests.Cluster;

/// <summary>The classic client on one node of a cluster: its name is adapted against every node, and it chats with the others.</summary>
[Collection(OneClusterAtATime.Name)]
public sealed class ClusterSeedTests
{
    [Fact]
    public async Task A_classic_client_whose_name_is_taken_on_the_other_node_gets_a_suffix_and_sees_its_broadcasts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nodes = await TwoNodes.StartAsync(ct);
        var (alice, _) = await nodes.A.JoinAsync("alice", 40001, ct);

        var (classic, first) = await SeedTestClient.JoinAsync(nodes.B.EndPoint, "alice", 40002, ct);
        await using var _ = classic;

        Assert.Contains("You joined as alice-2 (you asked for \"alice\")", first, StringComparison.Ordinal);
        var joined = await alice.NextAsync<Joined>(ct);
        Assert.Equal(("alice-2", PeerProtocols.Seed), (joined.Peer.Name, joined.Peer.Protocol));

        await alice.SendAsync(new Say("a-1", "hello from node a"), ct);
        await classic.NextLineContainingAsync("alice: hello from node a", ct);
        await classic.SendAsync("hello from node b", ct);
        var said = await alice.NextMatchingAsync<Said>(s => s.From == "alice-2", ct);
        Assert.Equal("hello from node b", said.Text);
    }

    [Fact]
    public async Task Classic_clients_asking_for_one_name_on_a_node_get_the_next_numbers_without_searching_freed_ones_again()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nodes = await TwoNodes.StartAsync(ct);
        var (x, _) = await nodes.A.JoinAsync("x", 40001, ct);

        var (first, firstNotice) = await SeedTestClient.JoinAsync(nodes.B.EndPoint, "x", 40002, ct);
        await using var _1 = first;
        var (second, secondNotice) = await SeedTestClient.JoinAsync(nodes.B.EndPoint, "x", 40003, ct);
        await using var _2 = second;
        Assert.Contains("You joined as x-2 ", firstNotice, StringComparison.Ordinal);
        Assert.Contains("You joined as x-3 ", secondNotice, StringComparison.Ordinal);

        await first.SendAsync("close", ct);
        await x.NextMatchingAsync<Left>(l => l.Name == "x-2", ct);

        // The search goes on where it ended (one step per client, as on one node), not from -2 again.
        var (third, thirdNotice) = await SeedTestClient.JoinAsync(nodes.B.EndPoint, "x", 40004, ct);
        await using var _3 = third;
        Assert.Contains("You joined as x-4 ", thirdNotice, StringComparison.Ordinal);
    }
}
