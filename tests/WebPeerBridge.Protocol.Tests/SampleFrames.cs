using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Protocol.Tests;

/// <summary>One or more instances of every frame type, with and without their optional fields.</summary>
internal static class SampleFrames
{
    public static readonly DateTimeOffset At = new(2026, 11, 24, 10, 0, 0, 123, TimeSpan.Zero);

    public static readonly PeerInfo Alice = new("alice", "192.168.1.20", 40001, At);

    public static readonly PeerInfo Zoe = new("Zoë", "10.0.0.7", 40002, At.AddMinutes(-5), PeerProtocols.V1);

    public static readonly PeerInfo SeedPeer = new("名前", "127.0.0.1", 5555, At.AddHours(-1), PeerProtocols.Seed);

    public static readonly IReadOnlyDictionary<string, Frame> All = new Dictionary<string, Frame>
    {
        ["hello_full"] = new Hello(Hello.CurrentVersion, "alice", 40001, "192.168.1.20", 41, "secret-token"),
        ["hello_minimal"] = new Hello(Hello.CurrentVersion, "bob"),
        ["hello_port_only"] = new Hello(Hello.CurrentVersion, "carol", PeerPort: 40003),
        ["say"] = new Say("c-17", "hi all"),
        ["say_multiline_unicode"] = new Say("c-18", "Ωμέγα 名前 👋\nsecond line\twith tab \"quoted\" \\ back"),
        ["ping"] = Ping.Instance,
        ["pong"] = Pong.Instance,
        ["bye"] = Bye.Instance,
        ["welcome_full"] = new Welcome(
            SeedPeer with { Name = "newcomer" },
            "dG9rZW4tMTI4LWJpdHM",
            [Alice, Zoe, SeedPeer],
            [new Said(40, "c-1", "alice", "first", At.AddSeconds(-2)), new Said(41, null, "名前", "seed 👋", At.AddSeconds(-1))],
            Skipped: 7),
        ["welcome_empty"] = new Welcome(Alice, "t", [], []),
        ["joined"] = new Joined(Zoe),
        ["joined_seed"] = new Joined(SeedPeer),
        ["left"] = new Left("alice", LeftReasons.Timeout),
        ["said"] = new Said(42, "c-17", "alice", "hi all", At),
        ["said_without_id"] = new Said(long.MaxValue, null, "名前", "from a seed client", At),
        ["error_with_id"] = new ErrorFrame(ErrorCodes.TextTooLong, "The text has 4001 characters; the limit is 4000.", "c-17"),
        ["error_without_id"] = new ErrorFrame(ErrorCodes.BadJson, "The line is not valid JSON."),
        ["dm"] = new Dm("d-5", "psst", At),
        ["dm_without_at"] = new Dm("d-6", "no time"),
        ["ack"] = new Ack("d-5"),
    };

    public static TheoryData<string> Names => [.. All.Keys];

    /// <summary>The value of <c>"type"</c> each sample must carry.</summary>
    public static string TypeOf(string name) => name.Split('_')[0];
}
