using Microsoft.Extensions.Time.Testing;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Rendezvous.Tests.Support;

namespace WebPeerBridge.Rendezvous.Tests;

/// <summary>DESIGN.md: a name whose connection dropped without bye stays held for its token for the hold time.</summary>
public sealed class NameHoldTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_name_dropped_without_bye_is_kept_for_its_token_and_free_once_the_hold_ends()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await TestServer.StartAsync(Ct, o => o.NameHoldTime = TimeSpan.FromSeconds(60), time);
        var (bob, _) = await server.JoinAsync("bob", 40002, Ct);
        var (alice, aliceWelcome) = await server.JoinAsync("alice", 40001, Ct);
        await bob.NextAsync<Joined>(Ct);

        alice.Reset();
        var left = await bob.NextAsync<Left>(Ct);
        Assert.Equal(("alice", LeftReasons.Error), (left.Name, left.Reason));

        // Announced as left at once, but nobody else gets the name in the reconnect window.
        var thief = await server.ConnectAsync(Ct);
        await thief.SendAsync(new Hello(Hello.CurrentVersion, "Alice", 40009), Ct);
        var refused = await thief.NextErrorAsync(ErrorCodes.NameTaken, Ct);
        Assert.Contains("kept for its owner", refused.Message, StringComparison.Ordinal);

        var (back, backWelcome) = await server.JoinAsync("alice", 40001, Ct, resume: aliceWelcome.Token);
        Assert.Equal("alice", (await bob.NextAsync<Joined>(Ct)).Peer.Name);

        // Dropped again, and this time the owner does not come back within the hold.
        back.Reset();
        await bob.NextAsync<Left>(Ct);
        time.Advance(TimeSpan.FromSeconds(61));
        var (_, newcomer) = await server.JoinAsync("alice", 40010, Ct);
        Assert.NotEqual(backWelcome.Token, newcomer.Token);
    }

    [Fact]
    public async Task A_bye_frees_the_name_at_once()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        var (bob, _) = await server.JoinAsync("bob", 40002, Ct);

        await alice.SendAsync(Bye.Instance, Ct);
        Assert.Equal(LeftReasons.Bye, (await bob.NextAsync<Left>(Ct)).Reason);

        var (_, welcome) = await server.JoinAsync("alice", 40011, Ct);
        Assert.Equal(40011, welcome.You.Port);
    }
}
