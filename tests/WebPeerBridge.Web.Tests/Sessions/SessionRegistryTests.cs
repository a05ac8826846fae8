using Microsoft.Extensions.Time.Testing;
using WebPeerBridge.Peer;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Web.Sessions;
using WebPeerBridge.Web.Tests.Support;

namespace WebPeerBridge.Web.Tests.Sessions;

public sealed class SessionRegistryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_tabs_of_one_browser_share_one_agent()
    {
        await using var network = await TestNetwork.StartAsync(Ct);
        var id = SessionCookie.NewId();
        var firstTab = network.Registry.Attach(id);
        var secondTab = network.Registry.Attach(id);

        var outcome = await network.Registry.JoinAsync(firstTab, "alice", Ct);

        Assert.True(outcome.Success, outcome.Message);
        Assert.Same(firstTab, secondTab);
        Assert.NotNull(secondTab.Agent);
        Assert.Equal("alice", secondTab.Agent.Name);
        Assert.Equal(1, network.Registry.AgentCount);
    }

    [Fact]
    public async Task Joining_from_a_second_tab_after_the_first_joined_keeps_the_first_agent()
    {
        await using var network = await TestNetwork.StartAsync(Ct);
        var id = SessionCookie.NewId();
        var session = network.Registry.Attach(id);
        await network.Registry.JoinAsync(session, "alice", Ct);
        var agent = session.Agent;

        var again = await network.Registry.JoinAsync(network.Registry.Attach(id), "alice", Ct);

        Assert.True(again.Success);
        Assert.Same(agent, session.Agent);
        Assert.Equal(1, network.Registry.AgentCount);
    }

    [Fact]
    public async Task A_reload_within_the_grace_period_keeps_the_agent_its_port_and_its_history()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var network = await TestNetwork.StartAsync(Ct, sessionTime: time);
        var id = SessionCookie.NewId();
        var tab = network.Registry.Attach(id);
        await network.Registry.JoinAsync(tab, "alice", Ct);
        var agent = tab.Agent!;
        var port = agent.PeerPort;
        var sent = await agent.BroadcastAsync("before the reload", Ct);
        await Signals.UntilAsync(agent, () => agent.Broadcast.Snapshot().Any(m => m.Id == sent.MessageId && m.State == DeliveryState.Delivered), Ct);

        network.Registry.Detach(tab); // the page unloads
        time.Advance(TimeSpan.FromMinutes(1));
        var reloaded = network.Registry.Attach(id);

        Assert.Same(agent, reloaded.Agent);
        Assert.Equal(port, reloaded.Agent!.PeerPort);
        Assert.Contains(reloaded.Agent.Broadcast.Snapshot(), m => m.Text == "before the reload");
        time.Advance(TimeSpan.FromMinutes(5)); // attached again: no expiry
        Assert.Equal(RendezvousState.Online, reloaded.Agent.State);
        Assert.Equal(1, network.Registry.AgentCount);
    }

    [Fact]
    public async Task Without_a_tab_for_the_grace_period_the_agent_leaves_and_the_others_see_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var network = await TestNetwork.StartAsync(Ct, sessionTime: time);
        var bob = await network.JoinPersonAsync("bob", Ct);
        var tab = network.Registry.Attach(SessionCookie.NewId());
        await network.Registry.JoinAsync(tab, "alice", Ct);
        var alice = tab.Agent!;
        await Signals.UntilAsync(bob, () => bob.Peers.Any(p => p.Name == "alice"), Ct);
        var left = Signals.NoticeAsync(bob, n => n.Kind == NoticeKind.Left && n.PeerName == "alice", Ct);

        network.Registry.Detach(tab);
        time.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(1));
        Assert.Same(alice, tab.Agent);
        time.Advance(TimeSpan.FromSeconds(1));

        await left;
        Assert.DoesNotContain(bob.Peers, p => p.Name == "alice");
        Assert.Null(tab.Agent);
        Assert.Equal(0, network.Registry.SessionCount);
        await Signals.UntilAsync(alice, () => alice.State == RendezvousState.Closed, Ct);
    }

    [Fact]
    public async Task Leave_ends_the_agent_at_once_and_the_others_see_it()
    {
        await using var network = await TestNetwork.StartAsync(Ct);
        var bob = await network.JoinPersonAsync("bob", Ct);
        var tab = network.Registry.Attach(SessionCookie.NewId());
        await network.Registry.JoinAsync(tab, "alice", Ct);
        await Signals.UntilAsync(bob, () => bob.Peers.Any(p => p.Name == "alice"), Ct);
        var left = Signals.NoticeAsync(bob, n => n.Kind == NoticeKind.Left && n.PeerName == "alice", Ct);

        await network.Registry.LeaveAsync(tab, Ct);

        Assert.Null(tab.Agent);
        Assert.Equal(0, network.Registry.AgentCount);
        await left;
    }

    [Fact]
    public async Task A_full_bridge_refuses_a_join_with_the_documented_message()
    {
        await using var network = await TestNetwork.StartAsync(Ct, maxAgents: 2);
        Assert.True((await network.Registry.JoinAsync(network.Registry.Attach(SessionCookie.NewId()), "alice", Ct)).Success);
        Assert.True((await network.Registry.JoinAsync(network.Registry.Attach(SessionCookie.NewId()), "bob", Ct)).Success);
        var third = network.Registry.Attach(SessionCookie.NewId());

        var outcome = await network.Registry.JoinAsync(third, "carol", Ct);

        Assert.False(outcome.Success);
        Assert.Equal(JoinOutcome.Full, outcome.Code);
        Assert.Equal("The bridge is full (2 people). Try again later.", outcome.Message);
        Assert.True(network.Registry.IsFull);
        Assert.Null(third.Agent);
    }

    [Fact]
    public async Task A_place_frees_up_when_someone_leaves()
    {
        await using var network = await TestNetwork.StartAsync(Ct, maxAgents: 1);
        var first = network.Registry.Attach(SessionCookie.NewId());
        await network.Registry.JoinAsync(first, "alice", Ct);
        await network.Registry.LeaveAsync(first, Ct);

        var outcome = await network.Registry.JoinAsync(network.Registry.Attach(SessionCookie.NewId()), "bob", Ct);

        Assert.True(outcome.Success, outcome.Message);
    }

    [Fact]
    public async Task A_taken_name_is_refused_with_a_clear_message_and_takes_no_place()
    {
        await using var network = await TestNetwork.StartAsync(Ct);
        await network.JoinPersonAsync("bob", Ct);
        var tab = network.Registry.Attach(SessionCookie.NewId());

        var outcome = await network.Registry.JoinAsync(tab, "BOB", Ct);

        Assert.False(outcome.Success);
        Assert.Equal("That name is taken — choose another", outcome.Message);
        Assert.Null(tab.Agent);
        Assert.Equal(0, network.Registry.AgentCount);
    }

    [Fact]
    public async Task A_server_that_is_down_is_reported_with_its_address()
    {
        var port = TestNetwork.FreePort();
        await using var network = TestNetwork.CreateRegistry(port);
        var tab = network.Registry.Attach(SessionCookie.NewId());

        var outcome = await network.Registry.JoinAsync(tab, "alice", Ct);

        Assert.False(outcome.Success);
        Assert.Equal($"The chat server is not reachable at 127.0.0.1:{port}", outcome.Message);
        Assert.Equal(0, network.Registry.AgentCount);
    }

    [Fact]
    public async Task An_invalid_name_is_refused_before_any_connection()
    {
        await using var network = TestNetwork.CreateRegistry(TestNetwork.FreePort());
        var tab = network.Registry.Attach(SessionCookie.NewId());

        var outcome = await network.Registry.JoinAsync(tab, "no spaces please", Ct);

        Assert.False(outcome.Success);
        Assert.Equal("invalid_name", outcome.Code);
        Assert.Equal(0, network.Registry.AgentCount);
    }

    [Fact]
    public async Task A_tab_whose_connection_dropped_no_longer_keeps_the_agent()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var network = await TestNetwork.StartAsync(Ct, sessionTime: time);
        using var tab = new CurrentSession(network.Registry);
        tab.Initialize(SessionCookie.NewId());
        await tab.JoinAsync("alice", Ct);
        var agent = tab.Agent!;
        var handler = new SessionCircuitHandler(tab);

        await handler.OnConnectionDownAsync(null!, Ct);
        time.Advance(TimeSpan.FromMinutes(2));

        await Signals.UntilAsync(agent, () => agent.State == RendezvousState.Closed, Ct);
        Assert.Null(tab.Agent);
    }

    [Fact]
    public async Task A_tab_that_reconnects_in_time_keeps_the_agent()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var network = await TestNetwork.StartAsync(Ct, sessionTime: time);
        using var tab = new CurrentSession(network.Registry);
        tab.Initialize(SessionCookie.NewId());
        await tab.JoinAsync("alice", Ct);
        var agent = tab.Agent;
        var handler = new SessionCircuitHandler(tab);

        await handler.OnConnectionDownAsync(null!, Ct);
        time.Advance(TimeSpan.FromMinutes(1));
        await handler.OnConnectionUpAsync(null!, Ct);
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Same(agent, tab.Agent);
        Assert.Equal(1, network.Registry.AgentCount);
    }

    [Fact]
    public async Task A_tab_coming_back_after_its_session_expired_gets_a_fresh_session()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var network = await TestNetwork.StartAsync(Ct, sessionTime: time);
        using var tab = new CurrentSession(network.Registry);
        tab.Initialize(SessionCookie.NewId());
        await tab.JoinAsync("alice", Ct);
        var before = tab.Session;
        var changed = 0;
        using var subscription = tab.Subscribe(() => Interlocked.Increment(ref changed));

        tab.Detach();
        time.Advance(TimeSpan.FromMinutes(2));
        tab.Attach();

        Assert.NotSame(before, tab.Session);
        Assert.Null(tab.Agent);
        Assert.True(changed > 0);
    }
}
