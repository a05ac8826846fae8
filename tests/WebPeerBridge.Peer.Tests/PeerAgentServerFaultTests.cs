using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Peer.Tests.Support;

namespace WebPeerBridge.Peer.Tests;

/// <summary>What the agent does when the server misbehaves, against a hand-written server.</summary>
public sealed class PeerAgentServerFaultTests : IAsyncLifetime
{
    private readonly Agents _agents = new();
    private FakeRendezvous _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _server = new FakeRendezvous("""[{"name":"carol","host":"127.0.0.1","port":1,"since":"2026-01-01T00:00:00Z"}]""");
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _agents.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Agent_pings_after_the_ping_interval_and_leaves_a_silent_server_to_reconnect_with_its_resume_token()
    {
        // One second: a heartbeat that a loaded machine runs late by two intervals would find the silence limit passed
        // before it ever pinged.
        var alice = await _agents.JoinAsync("alice", _server.Port, o => o.PingInterval = TimeSpan.FromSeconds(1));
        var hello = await _server.NextAsync("hello");
        Assert.False(hello.TryGetProperty("resume", out var none) && none.ValueKind != System.Text.Json.JsonValueKind.Null);

        await _server.NextAsync("ping");
        // No pong ever comes: after three intervals of silence the agent reconnects by itself.
        var again = await _server.NextAsync("hello");

        Assert.Equal("t1", again.GetProperty("resume").GetString());
        Assert.Equal(0, again.GetProperty("since").GetInt64());
        await Eventually.HoldsAsync(() => alice.State == RendezvousState.Online, "alice is online again", alice);
    }

    [Fact]
    public async Task Broadcast_refused_by_the_server_shows_failed_with_its_reason()
    {
        _server.Reply = line => line.GetProperty("type").GetString() == "say"
            ? $$"""{"type":"error","code":"text_too_long","message":"Too long for this server.","id":"{{line.GetProperty("id").GetString()}}"}"""
            : null;
        var alice = await _agents.JoinAsync("alice", _server.Port);

        var sent = await alice.BroadcastAsync("a long story", Ct);

        var failed = await Eventually.MessageAsync(() => alice.Broadcast, m => m.Id == sent.MessageId && m.State == DeliveryState.Failed,
            "the broadcast is failed", alice);
        Assert.Equal("Too long for this server.", failed.Error);
    }

    [Fact]
    public async Task A_seq_handed_out_again_never_changes_a_shown_line()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        await _server.NextAsync("hello");
        await _server.SendAsync(Said(1, "carol", "before the crash 1"));
        await _server.SendAsync(Said(2, "carol", "before the crash 2"));
        await _server.SendAsync(Said(2, "mallory", "a replay of seq 2"));
        await _server.SendAsync(Said(3, "carol", "before the crash 3"));
        await Eventually.MessageAsync(() => alice.Broadcast, m => m.Text == "before the crash 3", "seq 3 arrives", alice);

        // The server crashes and comes back without the end of its log: it hands out seq 1 and 2 again.
        _server.DropCurrent();
        var again = await _server.NextAsync("hello");
        Assert.Equal(3, again.GetProperty("since").GetInt64());
        await _server.SendAsync(Said(1, "dave", "after the crash 1"));
        await _server.SendAsync(Said(2, "dave", "after the crash 2"));

        await Eventually.MessageAsync(() => alice.Broadcast, m => m.Text == "after the crash 2", "the new seq 2 arrives", alice);
        var lines = alice.Broadcast.Snapshot().Where(m => m.Kind == ChatMessageKind.Chat).Select(m => m.Text).ToList();
        Assert.Equal(["before the crash 1", "before the crash 2", "before the crash 3", "after the crash 1", "after the crash 2"], lines);
    }

    private static string Said(long seq, string from, string text) =>
        $$"""{"type":"said","seq":{{seq}},"id":"x-{{seq}}","from":"{{from}}","text":"{{text}}","at":"2026-12-04T01:00:0{{seq}}.000Z"}""";

    [Fact]
    public async Task Joined_for_a_listed_name_updates_it_in_place()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        await _server.NextAsync("hello");
        Assert.Equal(1, Assert.Single(alice.Peers).Port);

        await _server.SendAsync("""{"type":"joined","peer":{"name":"dave","host":"127.0.0.1","port":3,"since":"2026-01-01T00:00:00Z"}}""");
        await _server.SendAsync("""{"type":"joined","peer":{"name":"Carol","host":"10.0.0.7","port":2,"since":"2026-01-01T00:00:00Z"}}""");

        await Eventually.HoldsAsync(() => alice.Peers.Count == 2 && alice.Peers[0].Port == 2, "carol moved", alice);
        Assert.Equal(["Carol", "dave"], alice.Peers.Select(p => p.Name));
        Assert.Equal("10.0.0.7", alice.Peers[0].Host);
    }

    [Fact]
    public async Task After_a_server_restart_known_peers_are_no_news_and_only_a_newcomer_joins()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        await _server.NextAsync("hello");
        var heard = new System.Collections.Concurrent.ConcurrentQueue<WebPeerBridge.Peer.Changes.PresenceChanged>();
        using var subscription = alice.Subscribe(change =>
        {
            if (change is WebPeerBridge.Peer.Changes.PresenceChanged presence)
            {
                heard.Enqueue(presence);
            }
        });
        await _server.SendAsync(Joined("dave"));
        await Eventually.HoldsAsync(() => heard.Count == 1, "dave joined", alice);

        // The server restarts: its welcome lists carol again but not yet dave, who reconnects a moment later.
        _server.DropCurrent();
        await _server.NextAsync("hello");
        await Eventually.HoldsAsync(() => alice.Peers.Count == 1, "the re-welcome lists carol only", alice);
        await _server.SendAsync(Joined("dave"));
        await _server.SendAsync(Joined("erin"));

        await Eventually.HoldsAsync(() => heard.Any(p => p.Joined.Any(j => j.Name == "erin")), "erin joined", alice);
        var news = heard.Where(p => !p.Quiet).ToList();
        Assert.Equal(["dave", "erin"], news.SelectMany(p => p.Joined).Select(j => j.Name));
        Assert.Empty(news.SelectMany(p => p.Left));
        Assert.Equal(["carol", "dave", "erin"], alice.Peers.Select(p => p.Name));
    }

    private static string Joined(string name) =>
        $$$"""{"type":"joined","peer":{"name":"{{{name}}}","host":"127.0.0.1","port":9,"since":"2026-01-01T00:00:00Z"}}""";

    [Fact]
    public async Task Hello_carries_the_advertised_host_and_the_peer_port()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port, o => o.AdvertisedHost = "192.168.1.20");

        var hello = await _server.NextAsync("hello");

        Assert.Equal("192.168.1.20", hello.GetProperty("host").GetString());
        Assert.Equal(alice.PeerPort, hello.GetProperty("peerPort").GetInt32());
        Assert.Equal(1, hello.GetProperty("version").GetInt32());
    }
}
