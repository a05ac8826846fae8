using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Rendezvous.Tests.Support;

namespace WebPeerBridge.Rendezvous.Tests;

/// <summary>
/// A hostile host on the LAN harms only itself (DESIGN.md): connections and registrations per address and overall, the
/// registrations per address and minute, and the peers in one welcome are bounded; a limit answers <c>too_many</c>. Other
/// hosts are other loopback addresses (127.0.0.2, 127.0.0.3, …) as the server sees them.
/// </summary>
public sealed class AddressLimitTests
{
    private static readonly IPAddress s_hostile = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress s_other = IPAddress.Parse("127.0.0.3");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_connection_past_the_per_address_limit_gets_too_many_while_other_hosts_keep_chatting_in_order()
    {
        await using var server = await TestServer.StartAsync(Ct, o => o.MaxConnectionsPerAddress = 2);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        var (bob, _) = await server.JoinAsync("bob", 40002, Ct, from: s_other);
        await alice.NextAsync<Joined>(Ct);

        var (first, _) = await server.JoinAsync("h1", 40003, Ct, from: s_hostile);
        await server.ConnectAsync(Ct, from: s_hostile); // open, never says hello: counted all the same
        var third = await server.ConnectAsync(Ct, from: s_hostile);
        await third.SendAsync(new Hello(Hello.CurrentVersion, "h3", 40005), Ct);
        await third.NextErrorAsync(ErrorCodes.TooMany, Ct);
        await third.WaitForCloseAsync(Ct);

        // Meanwhile the others chat; their broadcasts arrive in order (h1 joined in between: skipped by name).
        await alice.NextAsync<Joined>(Ct);
        await bob.NextAsync<Joined>(Ct);
        var one = await TestServer.AssertBroadcastFlowsAsync(alice, bob, Ct);
        var two = await TestServer.AssertBroadcastFlowsAsync(bob, alice, Ct);
        Assert.True(two.Seq > one.Seq);

        // A connection that ends gives its place back as it closes.
        await first.SendAsync(Bye.Instance, Ct);
        await first.ReadUntilCloseAsync(10, Ct); // the broadcasts above, then the close
        var again = await server.ConnectAsync(Ct, from: s_hostile);
        var welcome = await again.HelloAsync(new Hello(Hello.CurrentVersion, "h4", 40006), Ct);
        Assert.Equal("h4", welcome.You.Name);
    }

    [Fact]
    public async Task A_seed_client_past_the_per_address_limit_reads_too_many_as_a_notice_and_its_connection_ends()
    {
        await using var server = await TestServer.StartAsync(Ct, o => o.MaxConnectionsPerAddress = 1);
        var (first, _) = await SeedTestClient.JoinAsync(server.EndPoint, "x", 4000, Ct, from: s_hostile);
        await using var _ = first;

        await using var second = await SeedTestClient.ConnectAsync(server.EndPoint, Ct, from: s_hostile);
        await second.SendAsync("x;peer_port=4001", Ct);
        var lines = await second.ReadUntilCloseAsync(Ct);
        var notice = Assert.Single(lines);
        Assert.StartsWith("[WebPeerBridge] Too many connections from your address", notice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_connections_past_MaxRefusalsWaiting_are_closed_without_a_word()
    {
        await using var server = await TestServer.StartAsync(Ct, o =>
        {
            o.MaxConnectionsPerAddress = 1;
            o.MaxRefusalsWaiting = 0;
        });
        var (first, _) = await server.JoinAsync("h1", 40001, Ct, from: s_hostile);

        var refused = await server.ConnectAsync(Ct, from: s_hostile);
        await refused.WaitForCloseAsync(Ct);
        await first.AssertOpenAsync(Ct);
    }

    [Fact]
    public async Task A_registration_past_the_per_address_limit_gets_too_many_in_v1_and_seed()
    {
        await using var server = await TestServer.StartAsync(Ct, o => o.MaxRegistrationsPerAddress = 2);
        await server.JoinAsync("h1", 40001, Ct, from: s_hostile);
        var (seed, _) = await SeedTestClient.JoinAsync(server.EndPoint, "x", 4000, Ct, from: s_hostile);
        await using var _ = seed;

        var v1 = await server.ConnectAsync(Ct, from: s_hostile);
        await v1.SendAsync(new Hello(Hello.CurrentVersion, "h3", 40003), Ct);
        var error = await v1.NextErrorAsync(ErrorCodes.TooMany, Ct);
        Assert.Contains("registered from your address", error.Message, StringComparison.Ordinal);
        await v1.WaitForCloseAsync(Ct);

        await using var refusedSeed = await SeedTestClient.ConnectAsync(server.EndPoint, Ct, from: s_hostile);
        await refusedSeed.SendAsync("y;peer_port=4001", Ct);
        var notice = Assert.Single(await refusedSeed.ReadUntilCloseAsync(Ct));
        Assert.StartsWith("[WebPeerBridge] Too many peers registered from your address", notice, StringComparison.Ordinal);

        // Another host registers as usual.
        var (other, welcome) = await server.JoinAsync("carol", 40004, Ct, from: s_other);
        Assert.Equal(2, welcome.Peers.Count);
        await other.AssertOpenAsync(Ct);
    }

    [Fact]
    public async Task The_connection_past_the_overall_limit_gets_too_many_whatever_its_address()
    {
        await using var server = await TestServer.StartAsync(Ct, o =>
        {
            o.MaxConnections = 2;
            o.TrustedAddresses = ["127.0.0.1"];
        });
        await server.JoinAsync("alice", 40001, Ct);
        await server.JoinAsync("bob", 40002, Ct, from: s_other);

        var refused = await server.ConnectAsync(Ct);
        await refused.SendAsync(new Hello(Hello.CurrentVersion, "carol", 40003), Ct);
        var error = await refused.NextErrorAsync(ErrorCodes.TooMany, Ct);
        Assert.Contains("server is full", error.Message, StringComparison.Ordinal);
        await refused.WaitForCloseAsync(Ct);
    }

    [Fact]
    public async Task A_trusted_address_is_exempt_from_the_per_address_limits()
    {
        await using var server = await TestServer.StartAsync(Ct, o =>
        {
            o.MaxConnectionsPerAddress = 1;
            o.MaxRegistrationsPerAddress = 1;
            o.MaxRegistrationsPerAddressPerMinute = 1;
            o.TrustedAddresses = ["127.0.0.1", "::1"];
        });
        var clients = new List<TestClient>();
        for (var i = 0; i < 4; i++)
        {
            var (client, welcome) = await server.JoinAsync("agent" + i, 40001 + i, Ct);
            Assert.Equal(i, welcome.Peers.Count);
            clients.Add(client);
        }

        for (var i = 1; i < 4; i++)
        {
            Assert.Equal("agent" + i, (await clients[0].NextAsync<Joined>(Ct)).Peer.Name);
        }

        await TestServer.AssertBroadcastFlowsAsync(clients[3], clients[0], Ct);
    }

    [Fact]
    public async Task Registrations_past_the_rate_per_minute_get_too_many_until_the_minute_is_over_and_are_logged_once_a_minute()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-04T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var server = await TestServer.StartAsync(Ct, o => o.MaxRegistrationsPerAddressPerMinute = 1, time);
        var (first, _) = await server.JoinAsync("h0", 40001, Ct, from: s_hostile);
        await first.SendAsync(Bye.Instance, Ct);
        await first.WaitForCloseAsync(Ct);

        // Nothing registered from there now, but the minute's one is spent: each further attempt is refused, logged once.
        for (var i = 0; i < 3; i++)
        {
            var refused = await server.ConnectAsync(Ct, from: s_hostile);
            await refused.SendAsync(new Hello(Hello.CurrentVersion, "late" + i, 40010 + i), Ct);
            var error = await refused.NextErrorAsync(ErrorCodes.TooMany, Ct);
            Assert.Contains("a minute", error.Message, StringComparison.Ordinal);
            await refused.WaitForCloseAsync(Ct);
        }

        Assert.Single(server.LogLines, l => l.Contains("Refused 127.0.0.2", StringComparison.Ordinal));

        time.Advance(TimeSpan.FromMinutes(1));
        var (back, _) = await server.JoinAsync("back", 40020, Ct, from: s_hostile);
        await back.AssertOpenAsync(Ct);
        var stillRefused = await server.ConnectAsync(Ct, from: s_hostile);
        await stillRefused.SendAsync(new Hello(Hello.CurrentVersion, "more", 40021), Ct);
        await stillRefused.NextErrorAsync(ErrorCodes.TooMany, Ct);
        await stillRefused.WaitForCloseAsync(Ct);

        // A new minute: its first refusal is logged again.
        Assert.Equal(2, server.LogLines.Count(l => l.Contains("Refused 127.0.0.2", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_trusted_address_must_be_an_IP_address_and_the_limits_have_defaults_that_pass_validation()
    {
        var validator = new RendezvousOptionsValidator();
        Assert.True(validator.Validate(null, new RendezvousOptions { TrustedAddresses = ["127.0.0.1", "::1", "192.168.1.10"] }).Succeeded);

        var bad = validator.Validate(null, new RendezvousOptions { TrustedAddresses = ["bridge.local"] });
        Assert.True(bad.Failed);
        Assert.Contains("'bridge.local' is not an IP address", bad.FailureMessage, StringComparison.Ordinal);
        Assert.True(validator.Validate(null, new RendezvousOptions { MaxRegistrationsPerAddress = 0 }).Failed);
    }

    [Fact]
    public async Task A_welcome_lists_at_most_WelcomeMaxPeers_peers_and_later_joins_still_arrive()
    {
        await using var server = await TestServer.StartAsync(Ct, o => o.WelcomeMaxPeers = 3);
        for (var i = 0; i < 5; i++)
        {
            await server.JoinAsync("p" + i, 40001 + i, Ct);
        }

        var (late, welcome) = await server.JoinAsync("late", 40010, Ct);
        Assert.Equal(3, welcome.Peers.Count);
        Assert.All(welcome.Peers, p => Assert.StartsWith("p", p.Name, StringComparison.Ordinal));
        var (later, _) = await server.JoinAsync("later", 40011, Ct);
        Assert.Equal("later", (await late.NextAsync<Joined>(Ct)).Peer.Name);
        await TestServer.AssertBroadcastFlowsAsync(later, late, Ct);
    }

    [Fact]
    public void A_welcome_at_the_default_bound_with_the_longest_names_hosts_and_keys_stays_far_below_the_client_frame_limit()
    {
        var bound = new RendezvousOptions().WelcomeMaxPeers;
        var host = string.Join('.', Enumerable.Repeat(new string('h', 63), 4))[..ProtocolLimits.MaxHostLength];
        var peers = Enumerable.Range(0, bound)
            .Select(i => new PeerInfo(LongestName(i), host, 65535, DateTimeOffset.UtcNow, PeerProtocols.V1, new string('a', 64)))
            .ToList();

        // The widest peers list the default allows (the hub lists no more, however many are online).
        var welcome = new Welcome(peers[0], new string('t', 32), peers, [], null);
        var line = Protocol.Serialization.FrameCodec.ToLine(welcome);
        TestContext.Current.TestOutputHelper?.WriteLine($"welcome of {bound} widest peers: {line.Length} bytes");
        Assert.True(line.Length < ProtocolLimits.MaxServerFrameBytes / 8, $"{line.Length} bytes");
        using var parsed = JsonDocument.Parse(line);
        Assert.Equal(bound, parsed.RootElement.GetProperty("peers").GetArrayLength());
    }

    // 32 scalars, most of them a four-byte letter (U+10400, escaped in JSON as a surrogate pair): the widest name there is.
    private static string LongestName(int i)
    {
        var prefix = "n" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return prefix + string.Concat(Enumerable.Repeat("\U00010400", ProtocolLimits.MaxNameLength - prefix.Length));
    }
}
