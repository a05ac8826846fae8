using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Rendezvous.Tests.Support;

namespace WebPeerBridge.Rendezvous.Tests;

public sealed class ResumeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_hello_with_the_resume_token_takes_the_name_back_silently_when_host_and_port_are_unchanged()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, aliceWelcome) = await server.JoinAsync("alice", 40001, Ct);
        var (bob, _) = await server.JoinAsync("bob", 40002, Ct);
        await alice.NextAsync<Joined>(Ct);

        // Alice's link looks dead to her, but the server still holds it: she reconnects with her token.
        var (alice2, welcome2) = await server.JoinAsync("alice", 40001, Ct, resume: aliceWelcome.Token);

        await alice.WaitForCloseAsync(Ct);
        // Unchanged, so that what the others hold about alice stays true without a joined.
        Assert.Equal(aliceWelcome.You, welcome2.You);
        Assert.Equal(["bob"], welcome2.Peers.Select(p => p.Name));
        Assert.NotEqual(aliceWelcome.Token, welcome2.Token);

        // Bob heard nothing: no left, no joined; the next frame he gets is alice's next broadcast.
        await TestServer.AssertBroadcastFlowsAsync(alice2, bob, Ct);
        await TestServer.AssertBroadcastFlowsAsync(bob, alice2, Ct);
        Assert.Equal(2, server.Server.OnlineCount);
    }

    [Fact]
    public async Task A_resume_from_a_new_peer_port_is_announced_as_joined_with_the_new_port_and_no_left()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, aliceWelcome) = await server.JoinAsync("alice", 40001, Ct);
        var (bob, _) = await server.JoinAsync("bob", 40002, Ct);
        await alice.NextAsync<Joined>(Ct);

        var (alice2, welcome2) = await server.JoinAsync("alice", 40011, Ct, resume: aliceWelcome.Token);

        await alice.WaitForCloseAsync(Ct);
        Assert.Equal(40011, welcome2.You.Port);
        var joined = await bob.NextAsync<Joined>(Ct);
        Assert.Equal(welcome2.You, joined.Peer);
        Assert.Equal(40011, joined.Peer.Port);
        await TestServer.AssertBroadcastFlowsAsync(alice2, bob, Ct);
    }

    [Fact]
    public async Task A_resume_from_a_new_advertised_host_is_announced_as_joined()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, aliceWelcome) = await server.JoinAsync("alice", 40001, Ct);
        var (bob, _) = await server.JoinAsync("bob", 40002, Ct);
        await alice.NextAsync<Joined>(Ct);

        var (alice2, _) = await server.JoinAsync("alice", 40001, Ct, resume: aliceWelcome.Token, host: "alice-laptop.lan");

        await alice.WaitForCloseAsync(Ct);
        Assert.Equal("alice-laptop.lan", (await bob.NextAsync<Joined>(Ct)).Peer.Host);
        await TestServer.AssertBroadcastFlowsAsync(bob, alice2, Ct);
    }

    [Fact]
    public async Task A_resume_with_a_wrong_or_used_token_is_name_taken()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, aliceWelcome) = await server.JoinAsync("alice", 40001, Ct);
        var (bob, _) = await server.JoinAsync("bob", 40002, Ct);
        await alice.NextAsync<Joined>(Ct);

        var thief = await server.ConnectAsync(Ct);
        await thief.SendAsync(new Hello(Hello.CurrentVersion, "alice", 40009, Resume: "not-the-token"), Ct);
        await thief.NextErrorAsync(ErrorCodes.NameTaken, Ct);
        await thief.WaitForCloseAsync(Ct);

        // Someone else's token does not open alice's name either.
        var (carol, carolWelcome) = await server.JoinAsync("carol", 40003, Ct);
        await alice.NextAsync<Joined>(Ct);
        await bob.NextAsync<Joined>(Ct);
        var thief2 = await server.ConnectAsync(Ct);
        await thief2.SendAsync(new Hello(Hello.CurrentVersion, "alice", 40009, Resume: carolWelcome.Token), Ct);
        await thief2.NextErrorAsync(ErrorCodes.NameTaken, Ct);
        await thief2.WaitForCloseAsync(Ct);

        // A token is good for one resume: the welcome that answers it carries the next one.
        var (alice2, welcome2) = await server.JoinAsync("alice", 40001, Ct, resume: aliceWelcome.Token);
        await alice.WaitForCloseAsync(Ct);
        var replay = await server.ConnectAsync(Ct);
        await replay.SendAsync(new Hello(Hello.CurrentVersion, "alice", 40001, Resume: aliceWelcome.Token), Ct);
        await replay.NextErrorAsync(ErrorCodes.NameTaken, Ct);
        await replay.WaitForCloseAsync(Ct);

        var (alice3, _) = await server.JoinAsync("alice", 40001, Ct, resume: welcome2.Token);
        await alice2.WaitForCloseAsync(Ct);
        await TestServer.AssertBroadcastFlowsAsync(alice3, bob, Ct);
        Assert.Equal("still chatting", (await carol.NextAsync<Said>(Ct)).Text);
    }

    [Fact]
    public async Task A_resume_token_is_not_needed_once_the_name_is_free()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, aliceWelcome) = await server.JoinAsync("alice", 40001, Ct);
        await alice.SendAsync(Bye.Instance, Ct);
        await alice.WaitForCloseAsync(Ct);
        var (bob, _) = await server.JoinAsync("bob", 40002, Ct);

        // A stale token on a free name is no reason to refuse: the name is simply taken anew, and announced.
        var (alice2, _) = await server.JoinAsync("alice", 40001, Ct, resume: aliceWelcome.Token + "stale");

        Assert.Equal("alice", (await bob.NextAsync<Joined>(Ct)).Peer.Name);
        await TestServer.AssertBroadcastFlowsAsync(alice2, bob, Ct);
    }
}
