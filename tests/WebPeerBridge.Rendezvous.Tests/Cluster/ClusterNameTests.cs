using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Rendezvous.Tests.Cluster;

/// <summary>Names are unique across nodes: claimed in the names bucket with an atomic create.</summary>
public sealed class ClusterNameTests
{
    [Fact]
    public async Task The_same_name_or_a_lookalike_on_the_other_node_gets_name_taken()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nodes = await TwoNodes.StartAsync(ct);
        var (alice, _) = await nodes.A.JoinAsync("alice", 40001, ct);

        foreach (var name in new[] { "alice", "ALICE", "аlice" })
        {
            var taker = await nodes.B.ConnectAsync(ct);
            await taker.SendAsync(new Hello(Hello.CurrentVersion, name, 40002, null, null, null), ct);
            await taker.NextErrorAsync(ErrorCodes.NameTaken, ct);
            await taker.WaitForCloseAsync(ct);
        }

        // The owner was never disturbed.
        await alice.AssertOpenAsync(ct);
    }

    [Fact]
    public async Task A_name_freed_by_bye_on_one_node_can_be_taken_on_the_other_at_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nodes = await TwoNodes.StartAsync(ct);
        var (alice, _, bob) = await nodes.AliceOnAAndBobOnBAsync(ct);

        await alice.SendAsync(Bye.Instance, ct);
        // The left of a bye is written after the name's release: once it is seen, the name is free everywhere.
        await bob.NextMatchingAsync<Left>(l => l.Name == "alice", ct);

        var (_, welcome) = await nodes.B.JoinAsync("alice", 40003, ct);
        Assert.Equal(40003, welcome.You.Port);
    }

    [Fact]
    public async Task A_resume_token_moves_the_name_to_the_other_node_and_closes_the_old_connection_silently()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nodes = await TwoNodes.StartAsync(ct);
        var (alice, aliceWelcome, bob) = await nodes.AliceOnAAndBobOnBAsync(ct);

        var (moved, _) = await nodes.B.JoinAsync("alice", 40001, ct, resume: aliceWelcome.Token);

        // Node a closes the stale connection without a word once it sees the name online at b.
        Assert.Empty(await alice.ReadUntilCloseAsync(10, ct));
        // Nobody was told alice left or joined (same host and port): bob's next frame is the broadcast.
        var said = await Support.TestServer.AssertBroadcastFlowsAsync(moved, bob, ct);
        Assert.Equal("alice", said.From);
    }
}
