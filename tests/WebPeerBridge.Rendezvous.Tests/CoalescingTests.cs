using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Rendezvous.Tests.Support;

namespace WebPeerBridge.Rendezvous.Tests;

/// <summary>
/// What one turn of the hub sends is coalesced into one write per client; a client still reads one frame per line, in
/// the hub's one order, and every welcome fits exactly with the frames after it.
/// </summary>
public sealed class CoalescingTests
{
    private const int Joiners = 40;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Joins_that_come_together_arrive_as_separate_frames_in_one_order_that_fits_every_welcome()
    {
        await using var server = await TestServer.StartAsync(Ct, o =>
        {
            // All from 127.0.0.1: above the per-address limits.
            o.MaxConnectionsPerAddress = 100;
            o.MaxRegistrationsPerAddress = 100;
            o.MaxRegistrationsPerAddressPerMinute = 100;
        });
        var (watcher, _) = await server.JoinAsync("watcher", 40000, Ct);

        // All hellos at once: many registrations wait in the hub's inbox together and share turns.
        var joined = await Task.WhenAll(Enumerable.Range(0, Joiners).Select(i => server.JoinAsync($"n{i}", 41000 + i, Ct)));

        var order = new List<string>();
        for (var i = 0; i < Joiners; i++)
        {
            order.Add((await watcher.NextAsync<Joined>(Ct)).Peer.Name);
        }

        Assert.Equal(Enumerable.Range(0, Joiners).Select(i => $"n{i}").Order(), order.Order());
        foreach (var (client, welcome) in joined)
        {
            // Its welcome lists everyone before it, and the joined lines after it everyone after it: each once, in order.
            var at = order.IndexOf(welcome.You.Name);
            Assert.Equal(["watcher", .. order.Take(at)], welcome.Peers.Select(p => p.Name));
            var after = new List<string>();
            for (var i = at + 1; i < Joiners; i++)
            {
                after.Add((await client.NextAsync<Joined>(Ct)).Peer.Name);
            }

            Assert.Equal(order.Skip(at + 1), after);
        }

        // Nothing else was queued before: the next frame each gets is this broadcast.
        await TestServer.AssertBroadcastFlowsAsync(watcher, joined[^1].Client, Ct);
    }

    [Fact]
    public async Task Says_sent_together_past_the_in_flight_limit_all_arrive_in_seq_order_and_never_stall_their_senders()
    {
        // Few in flight: each sender waits for its echoes many times, and its echoes come inside coalesced slices.
        await using var server = await TestServer.StartAsync(Ct, o => o.MaxSaysInFlight = 3);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        var (bob, _) = await server.JoinAsync("bob", 40002, Ct);
        var (reader, _) = await server.JoinAsync("reader", 40003, Ct);
        await alice.NextAsync<Joined>(Ct);
        await alice.NextAsync<Joined>(Ct);
        await bob.NextAsync<Joined>(Ct);

        const int Each = 60;
        var sending = Task.WhenAll(
            Task.Run(async () => { for (var i = 0; i < Each; i++) { await alice.SendAsync(new Say($"a-{i}", $"a {i}"), Ct); } }, Ct),
            Task.Run(async () => { for (var i = 0; i < Each; i++) { await bob.SendAsync(new Say($"b-{i}", $"b {i}"), Ct); } }, Ct));

        foreach (var client in new[] { alice, bob, reader })
        {
            var saids = new List<Said>();
            for (var n = 0; n < 2 * Each; n++)
            {
                saids.Add(await client.NextAsync<Said>(Ct));
            }

            Assert.Equal(Enumerable.Range(1, 2 * Each).Select(s => (long)s), saids.Select(s => s.Seq));
            Assert.Equal(Enumerable.Range(0, Each).Select(i => $"a-{i}"), saids.Where(s => s.From == "alice").Select(s => s.Id));
            Assert.Equal(Enumerable.Range(0, Each).Select(i => $"b-{i}"), saids.Where(s => s.From == "bob").Select(s => s.Id));
        }

        await sending;
    }

    [Fact]
    public async Task A_welcome_after_a_leave_and_a_reconnect_lists_exactly_who_is_online_in_join_order()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (a, _) = await server.JoinAsync("a", 40001, Ct);
        var (b, _) = await server.JoinAsync("b", 40002, Ct);
        var (c, _) = await server.JoinAsync("c", 40003, Ct);
        await a.NextAsync<Joined>(Ct);
        await a.NextAsync<Joined>(Ct);

        await b.SendAsync(new Bye(), Ct);
        Assert.Equal("b", (await a.NextAsync<Left>(Ct)).Name);
        var (_, d) = await server.JoinAsync("d", 40004, Ct);
        Assert.Equal(["a", "c"], d.Peers.Select(p => p.Name));

        var (_, e) = await server.JoinAsync("e", 40005, Ct);
        Assert.Equal(["a", "c", "d"], e.Peers.Select(p => p.Name));
        Assert.Equal(40004, e.Peers.Single(p => p.Name == "d").Port);
        Assert.Equal("b", (await c.NextAsync<Left>(Ct)).Name);
        Assert.Equal("d", (await c.NextAsync<Joined>(Ct)).Peer.Name);
        Assert.Equal("e", (await c.NextAsync<Joined>(Ct)).Peer.Name);
    }
}
