using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Rendezvous.Tests.Support;

namespace WebPeerBridge.Rendezvous.Tests;

public sealed class RegistrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_clients_register_and_each_learns_the_others_host_and_peer_port()
    {
        await using var server = await TestServer.StartAsync(Ct);

        var (alice, aliceWelcome) = await server.JoinAsync("alice", 40001, Ct);
        Assert.Empty(aliceWelcome.Peers);
        Assert.Empty(aliceWelcome.History);
        Assert.Null(aliceWelcome.Skipped);
        Assert.Equal(new PeerInfo("alice", "127.0.0.1", 40001, aliceWelcome.You.Since, PeerProtocols.V1), aliceWelcome.You);

        var (bob, bobWelcome) = await server.JoinAsync("bob", 40002, Ct);
        Assert.Equal("127.0.0.1", bobWelcome.You.Host);
        Assert.Equal(40002, bobWelcome.You.Port);
        var listedAlice = Assert.Single(bobWelcome.Peers);
        Assert.Equal(aliceWelcome.You, listedAlice);

        var joined = await alice.NextAsync<Joined>(Ct);
        Assert.Equal(bobWelcome.You, joined.Peer);
        Assert.Equal(new PeerInfo("bob", "127.0.0.1", 40002, joined.Peer.Since, PeerProtocols.V1), joined.Peer);
    }

    [Fact]
    public async Task An_advertised_host_is_what_the_others_are_told_to_dial()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);

        var (bob, bobWelcome) = await server.JoinAsync("bob", 40002, Ct, host: "bob-laptop.lan");

        Assert.Equal("bob-laptop.lan", bobWelcome.You.Host);
        var joined = await alice.NextAsync<Joined>(Ct);
        Assert.Equal("bob-laptop.lan", joined.Peer.Host);
        Assert.Equal(40002, joined.Peer.Port);
    }

    [Fact]
    public async Task The_welcome_lists_everyone_else_in_join_order_but_not_the_newcomer()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        var (bob, _) = await server.JoinAsync("bob", 40002, Ct);

        var (carol, carolWelcome) = await server.JoinAsync("carol", 40003, Ct);

        Assert.Equal(["alice", "bob"], carolWelcome.Peers.Select(p => p.Name));
        Assert.Equal([40001, 40002], carolWelcome.Peers.Select(p => p.Port));
    }

    [Fact]
    public async Task Every_welcome_carries_a_fresh_secret_token()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, aliceWelcome) = await server.JoinAsync("alice", 40001, Ct);
        var (bob, bobWelcome) = await server.JoinAsync("bob", 40002, Ct);

        // At least 128 bits of randomness, in URL-safe base64 or hex: 22 characters or more.
        Assert.True(aliceWelcome.Token.Length >= 22, aliceWelcome.Token);
        Assert.True(bobWelcome.Token.Length >= 22, bobWelcome.Token);
        Assert.NotEqual(aliceWelcome.Token, bobWelcome.Token);

        // Nobody else is ever sent a token: alice's view of bob is a joined without one.
        var joinedLine = await alice.NextLineAsync(Ct);
        Assert.DoesNotContain(bobWelcome.Token, joinedLine, StringComparison.Ordinal);
        Assert.DoesNotContain("token", joinedLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ping_gets_a_pong()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);

        await alice.SendAsync(Ping.Instance, Ct);
        await alice.NextAsync<Pong>(Ct);
        await alice.SendAsync(Ping.Instance, Ct);
        await alice.SendAsync(Ping.Instance, Ct);
        await alice.NextAsync<Pong>(Ct);
        await alice.NextAsync<Pong>(Ct);
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("Alice")]
    [InlineData("ALICE")]
    [InlineData("\u0430lice")] // Cyrillic а
    [InlineData("ａｌｉｃｅ")] // full width
    [InlineData("𝐚𝐥𝐢𝐜𝐞")] // mathematical bold
    [InlineData("al\u0131ce")] // dotless ı
    public async Task A_name_online_is_refused_with_name_taken_ignoring_case_and_lookalikes_and_the_refused_client_is_closed(string name)
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        var (bob, _) = await server.JoinAsync("bob", 40002, Ct);
        await alice.NextAsync<Joined>(Ct);

        var impostor = await server.ConnectAsync(Ct);
        await impostor.SendAsync(new Hello(Hello.CurrentVersion, name, 40009), Ct);
        await impostor.NextErrorAsync(ErrorCodes.NameTaken, Ct);
        await impostor.WaitForCloseAsync(Ct);

        // Nobody heard of the impostor, and the owner of the name keeps it.
        await TestServer.AssertBroadcastFlowsAsync(alice, bob, Ct);
        await TestServer.AssertBroadcastFlowsAsync(bob, alice, Ct);
        Assert.Equal(2, server.Server.OnlineCount);
    }

    [Theory]
    [InlineData("p\u0430ypal")] // Latin with a Cyrillic а
    [InlineData("\u03b1lpha")] // Latin with a Greek α
    public async Task A_name_that_mixes_scripts_is_invalid_name_while_one_script_names_of_any_script_join(string mixed)
    {
        await using var server = await TestServer.StartAsync(Ct);
        var client = await server.ConnectAsync(Ct);

        await client.SendAsync(new Hello(Hello.CurrentVersion, mixed, 40009), Ct);

        await client.NextErrorAsync(ErrorCodes.InvalidName, Ct);
        await client.WaitForCloseAsync(Ct);
        foreach (var name in new[] { "Наташа", "Ελένη", "राहुल", "山田たろう", "tanaka田中" })
        {
            var (_, welcome) = await server.JoinAsync(name, 40010, Ct);
            Assert.Equal(name, welcome.You.Name);
        }
    }

    [Fact]
    public async Task A_name_is_free_again_once_its_owner_left()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        var (bob, _) = await server.JoinAsync("bob", 40002, Ct);
        await alice.NextAsync<Joined>(Ct);

        await bob.SendAsync(Bye.Instance, Ct);
        await bob.WaitForCloseAsync(Ct);
        await bob.DisposeAsync();
        Assert.Equal("bob", (await alice.NextAsync<Left>(Ct)).Name);

        var (bob2, welcome) = await server.JoinAsync("Bob", 40003, Ct);
        Assert.Equal("Bob", welcome.You.Name);
        Assert.Equal(welcome.You, (await alice.NextAsync<Joined>(Ct)).Peer);
    }
}
