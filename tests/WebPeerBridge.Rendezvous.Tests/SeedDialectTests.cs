using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Serialization;
using WebPeerBridge.Rendezvous.Tests.Support;

namespace WebPeerBridge.Rendezvous.Tests;

/// <summary>
/// The classroom's <c>client.py</c> on the same port as v1 clients (DESIGN.md, "Seed compatibility"), spoken byte for byte:
/// <c>name;peer_port=N</c> and each text in one send without a newline; every <c>recv(2048)</c> decoded on its own.
/// </summary>
public sealed class SeedDialectTests
{
    private static readonly UTF8Encoding s_strictUtf8 = new(false, true);
    private static readonly int[] s_plainCutSizes = [1023, 1024, 2047, 2048];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_seed_join_is_seen_by_v1_clients_with_host_peer_port_and_protocol_seed_and_its_first_notice_lists_who_is_online()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        var (carol, _) = await server.JoinAsync("carol", 40003, Ct);
        await alice.NextAsync<Joined>(Ct);

        var (bob, first) = await SeedTestClient.JoinAsync(server.EndPoint, "bob", 4321, Ct);
        await using var _ = bob;

        Assert.Contains("You joined as bob", first, StringComparison.Ordinal);
        Assert.Contains("4321", first, StringComparison.Ordinal);
        Assert.DoesNotContain("asked for", first, StringComparison.Ordinal);
        var online = await ReadOnlineListAsync(bob);
        Assert.Equal(2, online.Count);
        AssertDescribes(Assert.Single(online, l => l.Contains("alice", StringComparison.Ordinal)), "alice", 40001);
        AssertDescribes(Assert.Single(online, l => l.Contains("carol", StringComparison.Ordinal)), "carol", 40003);

        // The JSON as written, so that the field is named as in DESIGN.md.
        foreach (var v1 in new[] { alice, carol })
        {
            using var joined = JsonDocument.Parse(await v1.NextLineAsync(Ct));
            Assert.Equal("joined", joined.RootElement.GetProperty("type").GetString());
            var peer = joined.RootElement.GetProperty("peer");
            Assert.Equal("bob", peer.GetProperty("name").GetString());
            Assert.Equal("127.0.0.1", peer.GetProperty("host").GetString());
            Assert.Equal(4321, peer.GetProperty("port").GetInt32());
            Assert.Equal("seed", peer.GetProperty("protocol").GetString());
        }

        // A v1 client joining later finds it listed; the seed client hears of the join and the leave with host and peer port.
        var (dave, welcome) = await server.JoinAsync("dave", 40004, Ct);
        var listed = Assert.Single(welcome.Peers, p => p.Name == "bob");
        Assert.Equal(new PeerInfo("bob", "127.0.0.1", 4321, listed.Since, PeerProtocols.Seed), listed);
        AssertDescribes(await bob.NextLineContainingAsync("dave", Ct, maxLines: 1), "dave", 40004);

        await dave.SendAsync(Bye.Instance, Ct);
        var left = await bob.NextLineContainingAsync("dave", Ct, maxLines: 1);
        AssertDescribes(left, "dave", 40004);
        Assert.Contains("left", left, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_welcome_notice_longer_than_one_read_cuts_between_lines_so_no_peer_port_is_cut_in_two()
    {
        // More clients than one address may register: all of them come from this machine, trusted here.
        await using var server = await TestServer.StartAsync(Ct, o => o.TrustedAddresses = ["127.0.0.1"]);
        var ports = Enumerable.Range(40001, 40).ToList();
        foreach (var port in ports)
        {
            // Long names: the list of who is online takes a few reads.
            await server.JoinAsync($"peer{port}".PadRight(32, 'x'), port, Ct);
        }

        var (bob, _) = await SeedTestClient.JoinAsync(server.EndPoint, "bob", 4321, Ct);
        await using var _ = bob;
        var online = await ReadOnlineListAsync(bob);

        Assert.Equal(ports.Count, online.Count);
        Assert.All(ports, port => AssertDescribes(Assert.Single(online, l => l.StartsWith($"peer{port}", StringComparison.Ordinal)), $"peer{port}", port));
        Assert.True(bob.Chunks.Count > 1, "The list fits one read: the test shows nothing.");
        Assert.All(bob.Chunks, chunk => Assert.Equal((byte)'\n', chunk.Bytes[^1]));
    }

    [Fact]
    public async Task Broadcasts_flow_both_ways_between_a_seed_client_and_v1_clients()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        await using var bob = await JoinSeedAsync(server, "bob", 4321);
        await alice.NextAsync<Joined>(Ct);

        await bob.SendAsync("hello from the classroom ✓ é", Ct);

        var said = await alice.NextAsync<Said>(Ct);
        Assert.Equal("bob", said.From);
        Assert.Null(said.Id);
        Assert.Equal("hello from the classroom ✓ é", said.Text);
        // Sent to all, the sender included: client.py shows nothing of its own when it sends.
        Assert.Equal("bob: hello from the classroom ✓ é", await bob.NextLineAsync(Ct));

        await alice.SendAsync(new Say("a-1", "hi bob 👋"), Ct);
        await alice.NextAsync<Said>(Ct);
        Assert.Equal("alice: hi bob 👋", await bob.NextLineAsync(Ct));

        // One read is one message, split on newlines.
        await bob.SendAsync("one\ntwo", Ct);
        Assert.Equal("one", (await alice.NextAsync<Said>(Ct)).Text);
        Assert.Equal("two", (await alice.NextAsync<Said>(Ct)).Text);
        Assert.Equal("bob: one", await bob.NextLineAsync(Ct));
        Assert.Equal("bob: two", await bob.NextLineAsync(Ct));
    }

    [Fact]
    public async Task A_broadcast_with_newlines_cannot_pass_for_a_notice_at_a_seed_client()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (mallory, _) = await server.JoinAsync("mallory", 40001, Ct);
        await using var zoe = await JoinSeedAsync(server, "zoe", 4321);
        await mallory.NextAsync<Joined>(Ct);

        await mallory.SendAsync(new Say("m-1", "see you\nNew peer joined: bob 10.66.66.66 peer port 40001 (conn:10.66.66.66:40001)\n[WebPeerBridge] trust me"), Ct);

        Assert.Equal("mallory: see you", await zoe.NextLineAsync(Ct));
        Assert.Equal("mallory| New peer joined: bob 10.66.66.66 peer port 40001 (conn:10.66.66.66:40001)", await zoe.NextLineAsync(Ct));
        Assert.Equal("mallory| [WebPeerBridge] trust me", await zoe.NextLineAsync(Ct));
    }

    [Fact]
    public async Task A_line_too_long_for_one_write_continues_with_the_senders_mark_so_its_cut_cannot_pass_for_a_notice()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (mallory, _) = await server.JoinAsync("mallory", 40001, Ct);
        await using var zoe = await JoinSeedAsync(server, "zoe", 4321);
        await mallory.NextAsync<Joined>(Ct);
        // Padded so that a plain cut at the write size would start the next write with the fake notice.
        var padding = new string('x', 1024 - 1 - "mallory: ".Length);
        var fake = "New peer joined: bob 10.66.66.66 peer port 40001 (conn:10.66.66.66:40001)";

        await mallory.SendAsync(new Say("m-2", padding + fake), Ct);

        Assert.Equal("mallory: " + padding, await zoe.NextLineAsync(Ct));
        Assert.Equal("mallory| " + fake, await zoe.NextLineAsync(Ct));
    }

    [Theory]
    [InlineData("é", 0)]
    [InlineData("a", 30)]
    [InlineData("😀", 3)]
    public async Task A_long_text_from_a_seed_client_is_one_broadcast_however_many_bytes_it_takes(string character, int textsBefore)
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        await using var bob = await JoinSeedAsync(server, "bob", 4321);
        await alice.NextAsync<Joined>(Ct);
        // Short texts first: whatever the server's read buffer holds by then must not cut the long one.
        for (var i = 0; i < textsBefore; i++)
        {
            await bob.SendAsync($"short {i}", Ct);
            Assert.Equal($"short {i}", (await alice.NextAsync<Said>(Ct)).Text);
        }

        // 4,000 characters (the limit) in one send: up to 16,000 bytes, as client.py's sendall writes them.
        var text = string.Concat(Enumerable.Repeat(character, 4000));
        await bob.SendAsync(text, Ct);

        var said = await alice.NextAsync<Said>(Ct);
        Assert.Equal(("bob", 4000), (said.From, said.Text.EnumerateRunes().Count()));
        Assert.Equal(text, said.Text);
    }

    [Fact]
    public async Task A_seed_text_over_4000_characters_is_refused_with_a_plain_text_notice_and_not_relayed()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        await using var bob = await JoinSeedAsync(server, "bob", 4321);
        await alice.NextAsync<Joined>(Ct);

        await bob.SendAsync(new string('a', 4001), Ct);

        var notice = await bob.NextLineAsync(Ct);
        Assert.StartsWith("[WebPeerBridge]", notice, StringComparison.Ordinal);
        Assert.Contains("4000", notice, StringComparison.Ordinal);
        // Still online, and the long text was not relayed: the next said alice gets is bob's next text.
        await bob.SendAsync("shorter then", Ct);
        var said = await alice.NextAsync<Said>(Ct);
        Assert.Equal(("bob", "shorter then"), (said.From, said.Text));
        Assert.Equal("bob: shorter then", await bob.NextLineAsync(Ct));
    }

    [Theory]
    [InlineData("close")]
    [InlineData("server_close")]
    [InlineData(" close ")]
    public async Task Close_announces_the_seed_client_as_left_with_reason_bye_and_then_ignores_it_with_its_socket_open(string close)
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        await using var bob = await JoinSeedAsync(server, "bob", 4321);
        await alice.NextAsync<Joined>(Ct);

        await bob.SendAsync(close, Ct);

        Assert.Equal(new Left("bob", LeftReasons.Bye), await alice.NextAsync<Left>(Ct));
        Assert.Equal(1, server.Server.OnlineCount);

        // Ignored from now on: its texts are not relayed, broadcasts do not reach it, and the server does not close it
        // (on EOF client.py's reader would spin forever).
        await bob.SendAsync("anyone still there?", Ct);
        await alice.SendAsync(new Say("a-1", "after the close"), Ct);
        Assert.Equal("a-1", (await alice.NextAsync<Said>(Ct)).Id);
        await bob.AssertNothingWithinAsync(TimeSpan.FromMilliseconds(800), Ct);
        // By now the server has long read bob's text: had it relayed it, it would come before the pong.
        await alice.AssertOpenAsync(Ct);
        Assert.Equal(1, server.Server.OnlineCount);
    }

    [Theory]
    [InlineData("a closer look")]
    [InlineData("close the door")]
    [InlineData("server_close please")]
    public async Task A_text_that_only_contains_close_is_a_broadcast(string text)
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        await using var bob = await JoinSeedAsync(server, "bob", 4321);
        await alice.NextAsync<Joined>(Ct);

        await bob.SendAsync(text, Ct);

        var said = await alice.NextAsync<Said>(Ct);
        Assert.Equal(("bob", text), (said.From, said.Text));
        Assert.Equal($"bob: {text}", await bob.NextLineAsync(Ct));
        Assert.Equal(2, server.Server.OnlineCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_seed_client_that_disconnects_without_close_is_announced_as_left_with_reason_error(bool reset)
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        var (carol, _) = await server.JoinAsync("carol", 40003, Ct);
        await alice.NextAsync<Joined>(Ct);
        await using var bob = await JoinSeedAsync(server, "bob", 4321);
        await alice.NextAsync<Joined>(Ct);
        await carol.NextAsync<Joined>(Ct);

        if (reset)
        {
            bob.Reset();
        }
        else
        {
            bob.Disconnect();
        }

        Assert.Equal(new Left("bob", LeftReasons.Error), await alice.NextAsync<Left>(Ct));
        Assert.Equal(new Left("bob", LeftReasons.Error), await carol.NextAsync<Left>(Ct));
        await TestServer.AssertBroadcastFlowsAsync(alice, carol, Ct);
        Assert.Equal(2, server.Server.OnlineCount);
    }

    [Theory]
    [InlineData("Zoë Smith", "Zoë_Smith")]
    [InlineData("b@o!b", "bob")]
    [InlineData("  padded  ", "padded")]
    [InlineData("", "guest")]
    [InlineData("!!!", "guest")]
    [InlineData("名前 テスト", "名前_テスト")]
    [InlineData("two\nlines", "two_lines")]
    [InlineData("tab\tbed\u0000", "tab_bed")]
    [InlineData("abcdefghijabcdefghijabcdefghijabcdefghij", "abcdefghijabcdefghijabcdefghijab")]
    public async Task A_seed_name_is_adapted_not_refused_and_the_first_notice_says_the_name_it_got(string requested, string expected)
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);

        var (seed, first) = await SeedTestClient.JoinAsync(server.EndPoint, requested, 4321, Ct);
        await using var _ = seed;

        Assert.Contains($"You joined as {expected}", first, StringComparison.Ordinal);
        Assert.EndsWith("peer port 4321.", first, StringComparison.Ordinal);
        // Told what it asked for when the name changed (not for spaces trimmed off its ends).
        Assert.Equal(expected != requested.Trim(), first.Contains("asked for", StringComparison.Ordinal));
        var joined = await alice.NextAsync<Joined>(Ct);
        Assert.Equal((expected, 4321, PeerProtocols.Seed), (joined.Peer.Name, joined.Peer.Port, joined.Peer.Protocol));
        await ReadOnlineListAsync(seed);

        await seed.SendAsync("hi", Ct);
        Assert.Equal(expected, (await alice.NextAsync<Said>(Ct)).From);
    }

    [Fact]
    public async Task Many_classic_clients_asking_for_one_name_get_the_next_numbers_in_order()
    {
        // More clients than one address may register: all of them come from this machine, trusted here.
        await using var server = await TestServer.StartAsync(Ct, o => o.TrustedAddresses = ["127.0.0.1"]);
        var (x, _) = await server.JoinAsync("x", 40001, Ct);
        var clients = new List<SeedTestClient>();
        try
        {
            for (var i = 0; i < 30; i++)
            {
                var (client, first) = await SeedTestClient.JoinAsync(server.EndPoint, "x", 5000 + i, Ct);
                clients.Add(client);
                Assert.Contains($"You joined as x-{i + 2} ", first, StringComparison.Ordinal);
            }

            var names = new List<string>();
            for (var i = 0; i < 30; i++)
            {
                names.Add((await x.NextAsync<Joined>(Ct)).Peer.Name);
            }

            Assert.Equal(Enumerable.Range(2, 30).Select(n => $"x-{n}"), names);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_taken_name_gets_a_number_and_the_first_notice_says_so()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        var longName = new string('z', 32);
        await server.JoinAsync(longName, 40002, Ct);
        await alice.NextAsync<Joined>(Ct);

        var (second, secondFirst) = await SeedTestClient.JoinAsync(server.EndPoint, "alice", 4001, Ct);
        await using var s2 = second;
        var (third, thirdFirst) = await SeedTestClient.JoinAsync(server.EndPoint, "ALICE", 4002, Ct);
        await using var s3 = third;
        var (fourth, fourthFirst) = await SeedTestClient.JoinAsync(server.EndPoint, longName, 4003, Ct);
        await using var s4 = fourth;

        Assert.Contains("You joined as alice-2 (you asked for \"alice\")", secondFirst, StringComparison.Ordinal);
        // Names are unique ignoring case.
        Assert.Contains("You joined as ALICE-3 (you asked for \"ALICE\")", thirdFirst, StringComparison.Ordinal);
        // Still at most 32 characters with the number.
        Assert.Contains($"You joined as {new string('z', 30)}-2 ", fourthFirst, StringComparison.Ordinal);
        Assert.Equal("alice-2", (await alice.NextAsync<Joined>(Ct)).Peer.Name);
        Assert.Equal("ALICE-3", (await alice.NextAsync<Joined>(Ct)).Peer.Name);
        Assert.Equal(new string('z', 30) + "-2", (await alice.NextAsync<Joined>(Ct)).Peer.Name);
        Assert.Equal(5, server.Server.OnlineCount);
    }

    [Fact]
    public async Task A_long_broadcast_with_multibyte_characters_reaches_a_seed_client_as_notices_that_each_decode_on_their_own()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        await using var bob = await JoinSeedAsync(server, "bob", 4321);
        await alice.NextAsync<Joined>(Ct);
        var before = bob.Chunks.Count;

        // 4,000 characters (Unicode scalar values) of 1-, 2- and 4-byte UTF-8.
        var text = new StringBuilder("xy");
        while (text.Length < 2 * 4000)
        {
            text.Append("é😀a");
        }

        var full = "alice: " + string.Concat(text.ToString().EnumerateRunes().Take(4000));
        var fullBytes = Encoding.UTF8.GetBytes(full);
        // The test means something only if plain cuts every so many bytes would fall inside a character somewhere.
        Assert.All(s_plainCutSizes, size => Assert.Contains(
            Enumerable.Range(1, (fullBytes.Length - 1) / size), k => (fullBytes[k * size] & 0xC0) == 0x80));

        await alice.SendAsync(new Say("long", full["alice: ".Length..]), Ct);
        Assert.Equal(4000, (await alice.NextAsync<Said>(Ct)).Text.EnumerateRunes().Count());

        // Each piece after the first carries the sender's mark, so that a cut can never start a line that looks like a notice.
        var received = new StringBuilder(await bob.NextLineAsync(Ct));
        while (received.Length < full.Length)
        {
            var piece = await bob.NextLineAsync(Ct);
            Assert.StartsWith("alice| ", piece, StringComparison.Ordinal);
            received.Append(piece["alice| ".Length..]);
        }

        Assert.Equal(full, received.ToString());
        var chunks = bob.Chunks.Skip(before).ToList();
        Assert.True(chunks.Count >= fullBytes.Length / SeedTestClient.RecvSize + 1, $"{chunks.Count} chunks");
        Assert.All(chunks, chunk =>
        {
            Assert.InRange(chunk.Bytes.Length, 2, SeedTestClient.RecvSize);
            Assert.Equal((byte)'\n', chunk.Bytes[^1]);
            Assert.Equal(chunk.Text, s_strictUtf8.GetString(chunk.Bytes));
        });
        // Two notices may share a read (each write is whole lines): together, without their newlines, they give the text back.
        Assert.Equal(full, string.Concat(chunks.Select(c => c.Text)).Replace("\nalice| ", "", StringComparison.Ordinal)
            .Replace("\n", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Notices_queued_at_once_arrive_as_whole_lines_of_at_most_2048_bytes()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        await using var bob = await JoinSeedAsync(server, "bob", 4321);
        await alice.NextAsync<Joined>(Ct);
        var before = bob.Chunks.Count;

        // Thirty says in one write: the server has many notices for bob at once.
        var texts = Enumerable.Range(1, 30)
            .Select(i => $"burst {i:00} " + string.Concat(Enumerable.Repeat("é😀ü", 10 + (i * 7 % 40))))
            .ToList();
        var burst = texts.SelectMany((text, i) => FrameCodec.ToLine(new Say($"b-{i}", text))).ToArray();
        await alice.SendRawAsync(burst, Ct);

        foreach (var text in texts)
        {
            Assert.Equal(text, (await alice.NextAsync<Said>(Ct)).Text);
        }

        foreach (var text in texts)
        {
            Assert.Equal("alice: " + text, await bob.NextLineAsync(Ct));
        }

        var chunks = bob.Chunks.Skip(before).ToList();
        Assert.All(chunks, chunk =>
        {
            Assert.InRange(chunk.Bytes.Length, 2, SeedTestClient.RecvSize);
            Assert.Equal((byte)'\n', chunk.Bytes[^1]);
        });
        // Several notices shared a write: a seed client on a busy network keeps up.
        Assert.True(chunks.Count < texts.Count, $"{chunks.Count} reads for {texts.Count} notices");
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")]
    [InlineData("bob")]
    [InlineData("bob;peer_port=")]
    [InlineData("bob;peer_port=0")]
    [InlineData("bob;peer_port=99999")]
    [InlineData("bob;peer_port=12ab")]
    [InlineData("bob;peer_port=-5")]
    public async Task A_first_read_that_is_not_a_seed_registration_gets_a_plain_text_line_and_is_closed(string first)
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        await using var stranger = await SeedTestClient.ConnectAsync(server.EndPoint, Ct);

        await stranger.SendAsync(first, Ct);

        var line = Assert.Single(await stranger.ReadUntilCloseAsync(Ct));
        Assert.StartsWith("[WebPeerBridge]", line, StringComparison.Ordinal);
        Assert.Contains("peer_port", line, StringComparison.Ordinal);
        // Nobody was told of it.
        await alice.AssertOpenAsync(Ct);
        Assert.Equal(1, server.Server.OnlineCount);
    }

    [Fact]
    public async Task A_name_containing_the_peer_port_marker_splits_at_the_last_marker()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);

        var (seed, first) = await SeedTestClient.JoinAsync(server.EndPoint, "a;peer_port=1", 4000, Ct);
        await using var _ = seed;

        Assert.Contains("You joined as apeer_port1", first, StringComparison.Ordinal);
        Assert.Contains("4000", first, StringComparison.Ordinal);
        var joined = await alice.NextAsync<Joined>(Ct);
        Assert.Equal(("apeer_port1", 4000), (joined.Peer.Name, joined.Peer.Port));
    }

    [Fact]
    public async Task A_joining_seed_client_gets_at_most_the_last_SeedHistoryCount_broadcasts()
    {
        await using var server = await TestServer.StartAsync(Ct);
        Assert.Equal(20, server.Options.SeedHistoryCount);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        for (var i = 1; i <= 25; i++)
        {
            await alice.SendAsync(new Say($"m-{i}", $"message {i}"), Ct);
            await alice.NextAsync<Said>(Ct);
        }

        await using var bob = await JoinSeedAsync(server, "bob", 4321);

        for (var i = 6; i <= 25; i++)
        {
            Assert.Equal($"alice: message {i}", await bob.NextLineAsync(Ct));
        }

        // Then live broadcasts, nothing in between.
        await alice.NextAsync<Joined>(Ct);
        await alice.SendAsync(new Say("live", "live now"), Ct);
        Assert.Equal("alice: live now", await bob.NextLineAsync(Ct));
    }

    [Fact]
    public async Task A_silent_seed_client_has_no_idle_timeout()
    {
        // Server time is fake: the test decides when the idle timeout passes. No write spacing: it would wait on that clock.
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-24T10:00:00Z", CultureInfo.InvariantCulture));
        await using var server = await TestServer.StartAsync(Ct, o =>
        {
            o.IdleTimeout = TimeSpan.FromSeconds(1);
            o.HelloTimeout = TimeSpan.FromSeconds(30);
            o.SweepInterval = TimeSpan.FromMilliseconds(100);
            o.SeedWriteInterval = TimeSpan.Zero;
        }, time);
        await using var bob = await JoinSeedAsync(server, "bob", 4321);
        var (sleepy, _) = await server.JoinAsync("sleepy", 40001, Ct);
        AssertDescribes(await bob.NextLineAsync(Ct), "sleepy", 40001);

        time.Advance(TimeSpan.FromMilliseconds(600));
        time.Advance(TimeSpan.FromMilliseconds(600));

        // The same sweep that dropped the silent v1 client left the silent seed client online.
        await sleepy.NextErrorAsync(ErrorCodes.IdleTimeout, Ct);
        await sleepy.WaitForCloseAsync(Ct);
        var left = await bob.NextLineAsync(Ct);
        AssertDescribes(left, "sleepy", 40001);
        Assert.Contains(LeftReasons.Timeout, left, StringComparison.Ordinal);

        var (carol, welcome) = await server.JoinAsync("carol", 40003, Ct);
        Assert.Equal(PeerProtocols.Seed, Assert.Single(welcome.Peers, p => p.Name == "bob").Protocol);
        AssertDescribes(await bob.NextLineAsync(Ct), "carol", 40003);
        for (var i = 0; i < 6; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(600));
            await carol.AssertOpenAsync(Ct);
        }

        await bob.SendAsync("still here after 4.8 s of silence", Ct);
        Assert.Equal("bob", (await carol.NextAsync<Said>(Ct)).From);
        Assert.Equal(2, server.Server.OnlineCount);
    }

    private static async Task<SeedTestClient> JoinSeedAsync(TestServer server, string name, int peerPort)
    {
        var (seed, first) = await SeedTestClient.JoinAsync(server.EndPoint, name, peerPort, Ct);
        try
        {
            Assert.Contains($"You joined as {name}", first, StringComparison.Ordinal);
            await ReadOnlineListAsync(seed);
            return seed;
        }
        catch
        {
            await seed.DisposeAsync();
            throw;
        }
    }

    // The welcome notice after its first line: "Online now: N other(s)", then one line per peer.
    private static async Task<List<string>> ReadOnlineListAsync(SeedTestClient seed)
    {
        var header = await seed.NextLineAsync(Ct);
        Assert.StartsWith("Online now: ", header, StringComparison.Ordinal);
        var count = int.Parse(header["Online now: ".Length..].Split(' ')[0], CultureInfo.InvariantCulture);
        var lines = new List<string>();
        for (var i = 0; i < count; i++)
        {
            lines.Add(await seed.NextLineAsync(Ct));
        }

        return lines;
    }

    // What a seed user needs for conn:<ip>:<port>: name, host and peer port.
    private static void AssertDescribes(string line, string name, int peerPort)
    {
        Assert.Contains(name, line, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", line, StringComparison.Ordinal);
        Assert.Contains(peerPort.ToString(CultureInfo.InvariantCulture), line, StringComparison.Ordinal);
    }
}
