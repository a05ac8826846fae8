using System.Buffers;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Serialization;
using WebPeerBridge.Rendezvous.Fanout;

namespace WebPeerBridge.Rendezvous.Tests;

/// <summary>A welcome spliced from each PEER's cached bytes is the welcome the serializer writes, byte for byte.</summary>
public sealed class WelcomeBytesTests
{
    private static readonly DateTimeOffset s_at = new(2026, 12, 4, 3, 0, 0, 250, TimeSpan.Zero);

    [Fact]
    public void A_spliced_welcome_is_byte_identical_to_the_serializer_with_keys_seeds_history_and_skipped()
    {
        PeerInfo[] peers =
        [
            new("alice", "10.0.0.1", 40001, s_at),
            new("bøb \"q\"", "10.0.0.2", 40002, s_at, PeerProtocols.Seed),
            new("carol", "10.0.0.3", 40003, s_at, PeerProtocols.V1, new string('a', 64)),
        ];
        var you = new PeerInfo("peers", "10.0.0.9", 40009, s_at, PeerProtocols.V1, new string('b', 64));
        Said[] history = [new(1, "x-1", "alice", "\"peers\":[] in a text", s_at), new(2, null, "carol", "hi", s_at)];
        var list = ListOf(peers);

        foreach (var (entries, skipped) in new[] { ((IReadOnlyList<Said>)history, (long?)7), ([], null) })
        {
            var whole = new Welcome(you, "tok-en_1", peers, entries, skipped);
            var spliced = WelcomeLine.Spliced(whole with { Peers = [] }, list.Current);

            Assert.Equal(FrameCodec.ToLine(whole), Written(spliced));
            Assert.Equal(FrameCodec.ToLine(whole).Length, spliced.Length);
        }
    }

    [Fact]
    public void A_welcome_with_nobody_online_has_an_empty_peers_list()
    {
        var whole = new Welcome(new PeerInfo("first", "10.0.0.1", 40001, s_at), "t", [], []);

        Assert.Equal(FrameCodec.ToLine(whole), Written(WelcomeLine.Spliced(whole, new PeerListLine(10).Current)));
    }

    [Fact]
    public void Slices_already_handed_out_keep_their_bytes_through_joins_leaves_and_reconnects()
    {
        var list = ListOf([new("a", "h", 1, s_at), new("b", "h", 2, s_at)]);
        var before = list.Current;
        var beforeBytes = before.ToArray();

        list.Upsert("c", PeerBytes(new PeerInfo("c", "h", 3, s_at)));
        list.Remove("a");
        list.Upsert("b", PeerBytes(new PeerInfo("b", "h2", 22, s_at)));

        Assert.Equal(beforeBytes, before.ToArray());
        Assert.Equal("[" + string.Join(',', new[] { new PeerInfo("b", "h2", 22, s_at), new PeerInfo("c", "h", 3, s_at) }.Select(Json)) + "]",
            "[" + System.Text.Encoding.UTF8.GetString(list.Current.Span) + "]");
    }

    [Fact]
    public void At_most_the_maximum_of_peers_is_listed_and_a_leave_lets_the_next_one_in()
    {
        var list = new PeerListLine(maxPeers: 2);
        foreach (var name in new[] { "a", "b", "c" })
        {
            list.Upsert(name, PeerBytes(new PeerInfo(name, "h", 1, s_at)));
        }

        Assert.Equal(2, list.Count);
        Assert.Equal(Json(new PeerInfo("a", "h", 1, s_at)) + "," + Json(new PeerInfo("b", "h", 1, s_at)), System.Text.Encoding.UTF8.GetString(list.Current.Span));
        list.Remove("a");
        Assert.Equal(Json(new PeerInfo("b", "h", 1, s_at)) + "," + Json(new PeerInfo("c", "h", 1, s_at)), System.Text.Encoding.UTF8.GetString(list.Current.Span));
    }

    private static PeerListLine ListOf(IEnumerable<PeerInfo> peers)
    {
        var list = new PeerListLine(1000);
        foreach (var peer in peers)
        {
            list.Upsert(peer.Name, PeerBytes(peer));
        }

        return list;
    }

    private static ReadOnlyMemory<byte> PeerBytes(PeerInfo peer) => PeerListLine.PeerOf(FrameCodec.ToLine(new Joined(peer)));

    private static string Json(PeerInfo peer) => System.Text.Encoding.UTF8.GetString(PeerBytes(peer).Span);

    private static byte[] Written(WelcomeLine welcome)
    {
        var buffer = new ArrayBufferWriter<byte>();
        welcome.WriteTo(buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
