using Microsoft.Extensions.Time.Testing;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Rendezvous.Tests.Support;

namespace WebPeerBridge.Rendezvous.Tests;

public sealed class LeaveTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Left_is_announced_with_reason_bye_after_a_bye_and_the_server_closes_the_link()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        var (bob, _) = await server.JoinAsync("bob", 40002, Ct);
        var (carol, _) = await server.JoinAsync("carol", 40003, Ct);
        await alice.NextAsync<Joined>(Ct);
        await alice.NextAsync<Joined>(Ct);
        await bob.NextAsync<Joined>(Ct);

        await carol.SendAsync(Bye.Instance, Ct);

        await carol.WaitForCloseAsync(Ct);
        Assert.Equal(new Left("carol", LeftReasons.Bye), await alice.NextAsync<Left>(Ct));
        Assert.Equal(new Left("carol", LeftReasons.Bye), await bob.NextAsync<Left>(Ct));
        await TestServer.AssertBroadcastFlowsAsync(alice, bob, Ct);
    }

    [Fact]
    public async Task Left_is_announced_with_reason_error_when_a_client_closes_its_socket_without_bye()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        var (bob, _) = await server.JoinAsync("bob", 40002, Ct);
        var (carol, _) = await server.JoinAsync("carol", 40003, Ct);
        await alice.NextAsync<Joined>(Ct);
        await alice.NextAsync<Joined>(Ct);
        await bob.NextAsync<Joined>(Ct);

        carol.CloseAbruptly();

        Assert.Equal(new Left("carol", LeftReasons.Error), await alice.NextAsync<Left>(Ct));
        Assert.Equal(new Left("carol", LeftReasons.Error), await bob.NextAsync<Left>(Ct));
        await TestServer.AssertBroadcastFlowsAsync(alice, bob, Ct);
    }

    [Fact]
    public async Task Left_is_announced_with_reason_error_when_a_client_resets_its_connection()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        var (bob, _) = await server.JoinAsync("bob", 40002, Ct);
        var (carol, _) = await server.JoinAsync("carol", 40003, Ct);
        await alice.NextAsync<Joined>(Ct);
        await alice.NextAsync<Joined>(Ct);
        await bob.NextAsync<Joined>(Ct);

        // Frames the server is still sending to carol when she vanishes must not matter.
        await alice.SendAsync(new Say("x", "before the reset"), Ct);
        await alice.NextAsync<Said>(Ct);
        await bob.NextAsync<Said>(Ct);
        carol.Reset();

        Assert.Equal(new Left("carol", LeftReasons.Error), await alice.NextAsync<Left>(Ct));
        Assert.Equal(new Left("carol", LeftReasons.Error), await bob.NextAsync<Left>(Ct));
        await TestServer.AssertBroadcastFlowsAsync(bob, alice, Ct);
        Assert.Equal(2, server.Server.OnlineCount);
    }

    [Fact]
    public async Task An_idle_client_gets_idle_timeout_is_closed_and_announced_as_left_with_reason_timeout()
    {
        // Server time is fake: the test decides when the idle timeout passes, so a busy machine cannot drop bob too.
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-24T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var server = await TestServer.StartAsync(Ct, o =>
        {
            o.IdleTimeout = TimeSpan.FromSeconds(1);
            o.SweepInterval = TimeSpan.FromMilliseconds(100);
        }, time);
        var (sleepy, _) = await server.JoinAsync("sleepy", 40001, Ct);
        var (bob, _) = await server.JoinAsync("bob", 40002, Ct);
        var (carol, _) = await server.JoinAsync("carol", 40003, Ct);
        await sleepy.NextAsync<Joined>(Ct);
        await sleepy.NextAsync<Joined>(Ct);
        await bob.NextAsync<Joined>(Ct);

        time.Advance(TimeSpan.FromMilliseconds(600));
        // Bob and carol speak; sleepy only listens (receiving keeps nobody alive).
        await bob.AssertOpenAsync(Ct);
        await TestServer.AssertBroadcastFlowsAsync(carol, bob, Ct);
        Assert.Equal("still chatting", (await sleepy.NextAsync<Said>(Ct)).Text);
        time.Advance(TimeSpan.FromMilliseconds(600));

        await sleepy.NextErrorAsync(ErrorCodes.IdleTimeout, Ct);
        await sleepy.WaitForCloseAsync(Ct);
        Assert.Equal(new Left("sleepy", LeftReasons.Timeout), await bob.NextAsync<Left>(Ct));
        Assert.Equal(new Left("sleepy", LeftReasons.Timeout), await carol.NextAsync<Left>(Ct));
        await TestServer.AssertBroadcastFlowsAsync(bob, carol, Ct);
    }

    [Fact]
    public async Task Pings_keep_a_quiet_client_online()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-24T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var server = await TestServer.StartAsync(Ct, o =>
        {
            o.IdleTimeout = TimeSpan.FromSeconds(1);
            o.SweepInterval = TimeSpan.FromMilliseconds(100);
        }, time);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);

        for (var i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(700));
            await alice.AssertOpenAsync(Ct);
        }

        Assert.Equal(1, server.Server.OnlineCount);
    }
}
