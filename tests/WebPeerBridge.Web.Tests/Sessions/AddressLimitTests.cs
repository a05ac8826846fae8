using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using WebPeerBridge.Web.Sessions;
using WebPeerBridge.Web.Tests.Support;

namespace WebPeerBridge.Web.Tests.Sessions;

/// <summary>One remote address takes only its share of agents, joins and circuits; other addresses keep working.</summary>
public sealed class AddressLimitTests
{
    private static readonly IPAddress Lab = IPAddress.Parse("10.0.0.7");
    private static readonly IPAddress Office = IPAddress.Parse("10.0.0.8");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<JoinOutcome> JoinFromAsync(TestNetwork network, IPAddress address, string name) =>
        network.Registry.JoinAsync(network.Registry.Attach(SessionCookie.NewId()), name, address, Ct).WaitAsync(TestNetwork.Timeout, Ct);

    [Fact]
    public async Task The_agent_beyond_the_per_address_cap_is_refused_saying_why_and_another_address_still_joins()
    {
        await using var network = await TestNetwork.StartAsync(Ct, configure: o => o.MaxAgentsPerAddress = 2);
        Assert.True((await JoinFromAsync(network, Lab, "alice")).Success);
        Assert.True((await JoinFromAsync(network, Lab, "bob")).Success);

        var refused = await JoinFromAsync(network, Lab, "carol");
        var elsewhere = await JoinFromAsync(network, Office, "dave");

        Assert.False(refused.Success);
        Assert.Equal(JoinOutcome.AddressFull, refused.Code);
        Assert.Equal("Too many people have joined from your address (at most 2). Someone there must leave first.", refused.Message);
        Assert.True(elsewhere.Success, elsewhere.Message);
        Assert.Equal(3, network.Registry.AgentCount);
    }

    [Fact]
    public async Task A_place_of_an_address_frees_up_when_its_agent_leaves()
    {
        await using var network = await TestNetwork.StartAsync(Ct, configure: o => o.MaxAgentsPerAddress = 1);
        var alice = network.Registry.Attach(SessionCookie.NewId());
        Assert.True((await network.Registry.JoinAsync(alice, "alice", Lab, Ct)).Success);
        Assert.Equal(JoinOutcome.AddressFull, (await JoinFromAsync(network, Lab, "bob")).Code);

        await network.Registry.LeaveAsync(alice, Ct);
        var bob = await JoinFromAsync(network, Lab, "bob");

        Assert.True(bob.Success, bob.Message);
    }

    [Fact]
    public async Task The_join_beyond_the_per_minute_rate_of_an_address_is_refused_saying_why_and_another_address_still_joins()
    {
        await using var network = await TestNetwork.StartAsync(Ct, configure: o => o.JoinsPerAddressPerMinute = 2);
        // A refused join (the name is taken) counts as much as a successful one.
        Assert.True((await JoinFromAsync(network, Lab, "alice")).Success);
        Assert.False((await JoinFromAsync(network, Lab, "alice")).Success);

        var refused = await JoinFromAsync(network, Lab, "bob");
        var elsewhere = await JoinFromAsync(network, Office, "carol");

        Assert.False(refused.Success);
        Assert.Equal(JoinOutcome.TooManyJoins, refused.Code);
        Assert.Equal("Too many joins from your address (at most 2 a minute). Wait a minute and try again.", refused.Message);
        Assert.True(elsewhere.Success, elsewhere.Message);
        Assert.Equal(2, network.Registry.AgentCount);
    }

    [Fact]
    public async Task A_limit_reached_is_logged_once_per_address_and_minute_not_per_attempt()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-05T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var log = new RecordingLogs();
        await using var network = await TestNetwork.StartAsync(Ct, sessionTime: time, logger: log.CreateLogger<SessionRegistry>(), configure: o => o.MaxAgentsPerAddress = 1);
        Assert.True((await JoinFromAsync(network, Lab, "alice")).Success);
        Assert.True((await JoinFromAsync(network, Office, "bob")).Success);

        for (var attempt = 0; attempt < 5; attempt++)
        {
            Assert.Equal(JoinOutcome.AddressFull, (await JoinFromAsync(network, Lab, $"lab{attempt}")).Code);
        }

        Assert.Equal(JoinOutcome.AddressFull, (await JoinFromAsync(network, Office, "office")).Code);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(JoinOutcome.AddressFull, (await JoinFromAsync(network, Lab, "later")).Code);

        var reached = log.Lines.Where(l => l.Text.Contains("reached AgentsPerAddress", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, reached.Count);
        Assert.All(reached, l => Assert.Equal(LogLevel.Warning, l.Level));
        Assert.Equal(2, reached.Count(l => l.Text.StartsWith("10.0.0.7 ", StringComparison.Ordinal)));
        Assert.Single(reached, l => l.Text.StartsWith("10.0.0.8 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_tab_beyond_the_per_session_cap_is_refused_and_holds_no_session_until_another_closes()
    {
        await using var network = await TestNetwork.StartAsync(Ct, configure: o => o.MaxCircuitsPerSession = 2);
        var id = SessionCookie.NewId();
        var first = new CurrentSession(network.Registry);
        using var second = new CurrentSession(network.Registry);
        using var third = new CurrentSession(network.Registry);
        using var later = new CurrentSession(network.Registry);
        Assert.Equal(CircuitAdmission.Admitted, first.Initialize(id, Lab));
        Assert.Equal(CircuitAdmission.Admitted, second.Initialize(id, Office));

        var refused = third.Initialize(id, Lab);

        Assert.Equal(CircuitAdmission.SessionFull, refused);
        Assert.False(third.IsInitialized);
        Assert.Equal("This browser has too many WebPeerBridge tabs open (at most 2). Close one and reload this page.",
            network.Registry.Circuits.Describe(refused));
        Assert.Equal(2, network.Registry.Circuits.CountOf(id));
        first.Dispose();
        Assert.Equal(CircuitAdmission.Admitted, later.Initialize(id, Lab));
    }

    [Fact]
    public async Task Tabs_beyond_the_per_address_cap_are_refused_and_another_address_keeps_opening_them()
    {
        await using var network = await TestNetwork.StartAsync(Ct, configure: o => o.MaxCircuitsPerAddress = 2);
        using var first = new CurrentSession(network.Registry);
        using var second = new CurrentSession(network.Registry);
        using var third = new CurrentSession(network.Registry);
        using var elsewhere = new CurrentSession(network.Registry);
        // Every tab without a cookie gets a session of its own: the address still counts them all.
        Assert.Equal(CircuitAdmission.Admitted, first.Initialize(SessionCookie.NewId(), Lab));
        Assert.Equal(CircuitAdmission.Admitted, second.Initialize(SessionCookie.NewId(), Lab));

        var refused = third.Initialize(SessionCookie.NewId(), Lab);
        var other = elsewhere.Initialize(SessionCookie.NewId(), Office);

        Assert.Equal(CircuitAdmission.AddressFull, refused);
        Assert.Equal("Too many WebPeerBridge tabs are open from your address (at most 2). Close some and reload this page.",
            network.Registry.Circuits.Describe(refused));
        Assert.Equal(CircuitAdmission.Admitted, other);
        Assert.Equal(2, network.Registry.Circuits.CountOf(Lab));
        Assert.Equal(3, network.Registry.SessionCount); // the refused tab holds none
    }
}
