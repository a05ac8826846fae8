using System.Net;
using System.Net.Sockets;
using System.Text;
using WebPeerBridge.Peer.Changes;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Peer.Links;
using WebPeerBridge.Peer.Tests.Support;

namespace WebPeerBridge.Peer.Tests;

/// <summary>Direct links with the classroom's original client, speaking its bytes exactly: raw to_peer:, no newline, no hello.</summary>
public sealed class PeerAgentSeedLinkTests : IAsyncLifetime
{
    private readonly Agents _agents = new();
    private readonly TcpListener _seedListener = new(IPAddress.Loopback, 0);
    private FakeRendezvous _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private int SeedPort => ((IPEndPoint)_seedListener.LocalEndpoint).Port;

    public ValueTask InitializeAsync()
    {
        _seedListener.Start();
        _server = new FakeRendezvous($$"""[{"name":"zoe","host":"127.0.0.1","port":{{SeedPort}},"since":"2026-01-01T00:00:00Z","protocol":"seed"}]""");
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _agents.DisposeAsync();
        await _server.DisposeAsync();
        _seedListener.Dispose();
    }

    [Fact]
    public async Task Accepted_seed_link_turns_each_to_peer_into_a_message_also_two_in_one_chunk()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        using var seed = new TcpClient();
        await seed.ConnectAsync(IPAddress.Loopback, alice.PeerPort, Ct);
        var stream = seed.GetStream();

        await stream.WriteAsync("to_peer:hello there"u8.ToArray(), Ct);
        await Eventually.MessageAsync(() => alice.FindDirect("zoe"), m => m.Text == "hello there", "the first message arrives", alice);
        await stream.WriteAsync("to_peer:ato_peer:b"u8.ToArray(), Ct);

        await Eventually.HoldsAsync(() => Texts(alice, "zoe").SequenceEqual(["hello there", "a", "b"]), "both messages of one chunk arrive", alice);
        Assert.Equal(DirectLinkState.Open, alice.GetLinkState("zoe"));
    }

    [Fact]
    public async Task An_accepted_seed_link_is_announced_before_its_first_message_and_adds_no_line()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        var conversation = alice.OpenDirect("zoe"); // as the web app does when its user clicks Message
        // Subscribers hear the changes in the order they happened: the opening, then the line the link carried.
        var heard = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var listener = alice.Subscribe(change =>
        {
            switch (change)
            {
                case NoticeRaised { Notice.Kind: NoticeKind.LinkOpened }:
                    heard.Enqueue("opened");
                    break;
                case LinesAdded added when added.Conversation == conversation:
                    heard.Enqueue("line");
                    break;
            }
        });
        using var seed = new TcpClient();
        await seed.ConnectAsync(IPAddress.Loopback, alice.PeerPort, Ct);

        // The seed's conn: sends nothing; its first bytes are its user's first to_peer:, read along with the link.
        await seed.GetStream().WriteAsync("to_peer:hello from tkinter"u8.ToArray(), Ct);

        await Eventually.MessageAsync(() => alice.FindDirect("zoe"), m => m.Text == "hello from tkinter", "the first message arrives", alice);
        await Eventually.HoldsAsync(() => heard.Count == 2, "the subscriber heard the opening and the line", alice);
        Assert.Equal(["opened", "line"], heard.ToArray());
        // "Link opened" is no line of the conversation: the header shows the link.
        Assert.Equal(["hello from tkinter"], conversation.Snapshot().Select(m => m.Text));
    }

    [Fact]
    public async Task A_character_cut_between_two_reads_arrives_whole()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        using var seed = new TcpClient { NoDelay = true };
        await seed.ConnectAsync(IPAddress.Loopback, alice.PeerPort, Ct);
        var bytes = Encoding.UTF8.GetBytes("to_peer:Zoë");

        await seed.GetStream().WriteAsync(bytes.AsMemory(0, bytes.Length - 1), Ct);
        await Eventually.HoldsAsync(() => alice.GetLinkState("zoe") == DirectLinkState.Open, "the seed link is open", alice);
        await seed.GetStream().WriteAsync(bytes.AsMemory(bytes.Length - 1), Ct);

        await Eventually.MessageAsync(() => alice.FindDirect("zoe"), m => m.Text == "Zoë", "the message arrives whole", alice);
        Assert.Single(Texts(alice, "zoe"));
    }

    [Fact]
    public async Task Dialing_a_seed_peer_sends_exactly_its_bytes_and_the_message_ends_as_sent()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);

        var sent = await alice.SendDirectAsync("zoe", "hi from the bridge", Ct);

        Assert.True(sent.Accepted, sent.Error);
        using var accepted = await _seedListener.AcceptSocketAsync(Ct).AsTask().WaitAsync(Timeouts.Await, Ct);
        Assert.Equal("to_peer:hi from the bridge", await ReadChunkAsync(accepted));
        Assert.Equal(DeliveryState.Sent, alice.FindDirect("zoe")!.Snapshot().Single(m => m.Id == sent.MessageId).State);

        // The seed answers on the link it accepted.
        await accepted.SendAsync("to_peer:hello bridge"u8.ToArray(), Ct);
        await Eventually.MessageAsync(() => alice.FindDirect("zoe"), m => m.Text == "hello bridge" && !m.IsOwn, "the answer arrives", alice);

        await alice.ExecuteAsync("to_peer:second", Ct);
        Assert.Equal("to_peer:second", await ReadChunkAsync(accepted));
    }

    [Fact]
    public async Task Seed_link_from_an_unlisted_address_is_shown_by_that_address()
    {
        await using var server = new FakeRendezvous();
        var alice = await _agents.JoinAsync("alice", server.Port);
        using var seed = new TcpClient();
        await seed.ConnectAsync(IPAddress.Loopback, alice.PeerPort, Ct);
        var local = (IPEndPoint)seed.Client.LocalEndPoint!;

        await seed.GetStream().WriteAsync("to_peer:who am I?"u8.ToArray(), Ct);

        var key = $"127.0.0.1:{local.Port}";
        await Eventually.MessageAsync(() => alice.FindDirect(key), m => m.Text == "who am I?", "the message shows under the address", alice);
        Assert.True((await alice.SendDirectAsync(key, "you are you", Ct)).Accepted);
        Assert.Equal("to_peer:you are you", await ReadChunkAsync(seed.Client));
    }

    [Fact]
    public async Task A_silent_accepted_connection_does_not_block_other_links()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        using var silent = new TcpClient();
        await silent.ConnectAsync(IPAddress.Loopback, alice.PeerPort, Ct);

        using var seed = new TcpClient();
        await seed.ConnectAsync(IPAddress.Loopback, alice.PeerPort, Ct);
        await seed.GetStream().WriteAsync("to_peer:still heard"u8.ToArray(), Ct);

        await Eventually.MessageAsync(() => alice.FindDirect("zoe"), m => m.Text == "still heard", "the second connection is served", alice);
    }

    [Theory]
    [InlineData(new byte[] { 0x61 }, 0)]
    [InlineData(new byte[] { 0x61, 0xC3 }, 1)]
    [InlineData(new byte[] { 0xC3, 0xAB }, 0)]
    [InlineData(new byte[] { 0xE2, 0x9C }, 2)]
    [InlineData(new byte[] { 0xF0, 0x9F, 0x91 }, 3)]
    [InlineData(new byte[] { 0xF0, 0x9F, 0x91, 0x8B }, 0)]
    public void Incomplete_tail_counts_the_bytes_of_an_unfinished_character(byte[] bytes, int expected) =>
        Assert.Equal(expected, SeedLink.IncompleteTail(bytes));

    private static List<string> Texts(PeerAgent agent, string peer) =>
        agent.FindDirect(peer)?.Snapshot().Where(m => m.Kind == ChatMessageKind.Chat).Select(m => m.Text).ToList() ?? [];

    /// <summary>One read of at most 2,048 bytes, as the seed client does.</summary>
    private static async Task<string> ReadChunkAsync(Socket socket)
    {
        var buffer = new byte[2048];
        var read = await socket.ReceiveAsync(buffer, Ct).AsTask().WaitAsync(Timeouts.Await, Ct);
        return Encoding.UTF8.GetString(buffer, 0, read);
    }
}
