using System.Text;
using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Benchmarks;

/// <summary>Frames shaped like real chat traffic.</summary>
internal static class Samples
{
    public static readonly DateTimeOffset At = new(2026, 11, 24, 10, 0, 0, 123, TimeSpan.Zero);

    public const string Text = "hi all, is anyone going to the lab meeting at three? I can bring the projector";

    public static readonly Say Say = new("c-17", Text);

    public static readonly Said Said = new(4217, "c-17", "alice", Text, At);

    public static readonly byte[] SayLine = Encoding.UTF8.GetBytes($$"""{"type":"say","id":"c-17","text":"{{Text}}"}""");

    public static readonly byte[] SaidLine = Encoding.UTF8.GetBytes(
        $$"""{"type":"said","seq":4217,"id":"c-17","from":"alice","text":"{{Text}}","at":"2026-11-24T10:00:00.123Z"}""");

    /// <summary>The welcome the 1,000th client of a join storm gets: 999 peers, no history.</summary>
    public static Welcome WelcomeWithPeers(int peers) => new(
        new PeerInfo("b999", "127.0.0.1", 40999, At),
        "dG9rZW4tMTI4LWJpdHMtb2YtcmFuZG9tbmVzcw",
        [.. Enumerable.Range(0, peers).Select(i => new PeerInfo("b" + i, "127.0.0.1", 40000 + i, At))],
        []);
}
