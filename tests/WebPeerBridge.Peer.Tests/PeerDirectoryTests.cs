using WebPeerBridge.Peer.Presence;
using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Peer.Tests;

public sealed class PeerDirectoryTests
{
    private static readonly DateTimeOffset Since = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Joins_leaves_and_moves_keep_join_order_and_find_every_name_ignoring_case()
    {
        // Checked against a plain list after every step: a seeded mix of joins, moves and leaves, with holes squeezed out
        // and the index grown and shrunk many times over.
        var directory = new PeerDirectory(new PeerPool(capacity: 1000));
        var model = new List<PeerInfo>();
        var random = new Random(14);
        for (var step = 0; step < 5000; step++)
        {
            var name = "p" + random.Next(300);
            var listed = model.FindIndex(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            var roll = random.Next(10);
            if (roll < 4 && listed >= 0)
            {
                Assert.Same(model[listed], directory.Remove(name.ToUpperInvariant()));
                model.RemoveAt(listed);
            }
            else if (roll < 6 && listed >= 0)
            {
                var moved = Peer(name, port: 50000 + step);
                var (_, previous) = directory.Upsert(moved);
                Assert.Same(model[listed], previous);
                model[listed] = moved;
            }
            else if (listed < 0)
            {
                var joined = Peer(name, port: 40000 + step);
                var (now, previous) = directory.Upsert(joined);
                Assert.Null(previous);
                Assert.Same(joined, now);
                model.Add(joined);
            }

            Assert.Equal(model, directory.Peers);
            if (step % 97 == 0)
            {
                for (var i = 0; i < 300; i++)
                {
                    var probe = "P" + i;
                    Assert.Same(model.Find(p => string.Equals(p.Name, probe, StringComparison.OrdinalIgnoreCase)), directory.Find(probe));
                }
            }
        }

        Assert.Null(directory.Remove("nobody"));
    }

    [Fact]
    public void A_welcome_reports_who_appeared_went_and_moved_and_skips_itself_and_repeated_names()
    {
        var directory = new PeerDirectory(new PeerPool(capacity: 10));
        directory.Reset([Peer("ana"), Peer("bo"), Peer("cy")], "me");

        var (added, removed, moved) = directory.Reset([Peer("ME"), Peer("cy", port: 40009), Peer("di"), Peer("DI", port: 40010), Peer("ana")], "me");

        Assert.Equal(["di"], added.Select(p => p.Name));
        Assert.Equal(["bo"], removed.Select(p => p.Name));
        Assert.Equal([("cy", 40009)], moved.Select(p => (p.Name, p.Port)));
        Assert.Equal([("cy", 40009), ("di", 40001), ("ana", 40001)], directory.Peers.Select(p => (p.Name, p.Port)));
    }

    [Fact]
    public void Directories_on_one_pool_list_one_object_per_peer()
    {
        var pool = new PeerPool(capacity: 10);
        var alice = new PeerDirectory(pool);
        var bob = new PeerDirectory(pool);

        alice.Reset([Peer("carol")], "alice");
        var (listedByBob, _) = bob.Upsert(Peer("carol"));

        Assert.Same(alice.Find("carol"), listedByBob);
        Assert.Same(alice.Peers[0], bob.Peers[0]);
    }

    [Fact]
    public void A_peer_is_found_by_its_endpoint_until_it_leaves()
    {
        var directory = new PeerDirectory(new PeerPool(capacity: 10));
        directory.Upsert(Peer("ana", port: 40001));
        directory.Upsert(Peer("bo", port: 40002));

        Assert.Equal("bo", directory.FindByEndpoint("10.0.0.1", 40002)?.Name);
        directory.Remove("bo");

        Assert.Null(directory.FindByEndpoint("10.0.0.1", 40002));
        Assert.Equal("ana", directory.FindByEndpoint("10.0.0.1", 40001)?.Name);
    }

    [Fact]
    public void The_list_handed_out_does_not_change_afterwards()
    {
        var directory = new PeerDirectory(new PeerPool(capacity: 10));
        directory.Upsert(Peer("ana"));
        var before = directory.Peers;

        directory.Upsert(Peer("bo"));
        directory.Remove("ana");

        Assert.Equal(["ana"], before.Select(p => p.Name));
        Assert.Equal(["bo"], directory.Peers.Select(p => p.Name));
    }

    private static PeerInfo Peer(string name, int port = 40001) => new(name, "10.0.0.1", port, Since, PeerProtocols.V1, new string('a', 64));
}
