using WebPeerBridge.Peer.Changes;
using Microsoft.Extensions.Time.Testing;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Peer.Tests.Support;

namespace WebPeerBridge.Peer.Tests;

/// <summary>DESIGN.md, a hostile host harms only itself: links per agent and per address, and link idle time, are bounded.</summary>
public sealed class PeerAgentLinkLimitTests : IAsyncLifetime
{
    private readonly Agents _agents = new();
    private readonly List<IAsyncDisposable> _owned = [];
    private TestServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        await _agents.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Links_from_one_address_beyond_the_limit_get_too_many_and_other_addresses_still_link()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port, o => o.MaxLinksPerAddress = 2);
        foreach (var name in new[] { "old1", "old2", "old3", "far" })
        {
            _owned.Add(await RawClient.JoinAsync(_server.Port, name, RawClient.ClosedPort()));
        }

        await Eventually.HoldsAsync(() => alice.Peers.Count == 4, "alice lists the older peers", alice);
        await LinkAsync(alice, "old1", from: null);
        await LinkAsync(alice, "old2", from: null);

        var third = Own(await RawLink.DialPlainAsync(alice.PeerPort));
        await third.SendHelloAsync("old3");
        Assert.Contains("\"code\":\"too_many\"", await third.ReadLineAsync(), StringComparison.Ordinal);
        Assert.Null(await third.ReadLineAsync());

        // Another host is not held back by the first one's links.
        await LinkAsync(alice, "far", from: "127.0.0.2");
        Assert.Equal(DirectLinkState.None, alice.GetLinkState("old3"));
    }

    [Fact]
    public async Task Classic_client_links_beyond_the_limit_are_closed_without_a_word()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port, o => o.MaxLinksPerAddress = 1);
        var first = Own(await RawLink.DialPlainAsync(alice.PeerPort));
        await first.SendLineAsync("to_peer:first");
        await Eventually.HoldsAsync(() => alice.LiveLinkCount == 1, "the first classic link is open", alice);

        var second = Own(await RawLink.DialPlainAsync(alice.PeerPort));
        await second.SendLineAsync("to_peer:second");

        Assert.Null(await second.ReadLineAsync());
        Assert.Equal(1, alice.LiveLinkCount);
        Assert.DoesNotContain(alice.DirectConversations.SelectMany(c => c.Snapshot()), m => m.Text == "second");
    }

    [Fact]
    public async Task A_link_idle_for_the_idle_timeout_is_closed_and_the_next_message_opens_it_again()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = Agents.Options("alice", _server.Port);
        options.LinkIdleTimeout = TimeSpan.FromMinutes(1);
        options.PingInterval = TimeSpan.FromHours(1); // nothing else to do with the clock meanwhile
        options.ConnectTimeout = TimeSpan.FromMinutes(5);
        var alice = new PeerAgent(options, null, time);
        _owned.Add(alice);
        Assert.True((await alice.StartAsync(Ct).WaitAsync(Timeouts.Await, Ct)).Success);
        var bob = await _agents.JoinAsync("bob", _server.Port);
        await Eventually.HoldsAsync(() => alice.Peers.Count == 1 && bob.Peers.Count == 1, "they see each other", alice, bob);
        var sent = await alice.SendDirectAsync("bob", "one message", Ct);
        await Eventually.HoldsAsync(() => Delivered(alice, "bob", sent.MessageId), "the dm is delivered", alice);

        var closed = new TaskCompletionSource<AgentNotice>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var notices = alice.Subscribe(change =>
        {
            if (change is NoticeRaised { Notice: { Kind: NoticeKind.LinkClosed } notice })
            {
                closed.TrySetResult(notice);
            }
        });

        time.Advance(TimeSpan.FromMinutes(2));

        await Eventually.HoldsAsync(() => bob.GetLinkState("alice") == DirectLinkState.Closed, "the idle link is closed", bob);
        var why = await closed.Task.WaitAsync(Timeouts.Await, Ct);
        Assert.Contains("Idle", why.Text, StringComparison.Ordinal);
        Assert.Contains("opens it again", why.Text, StringComparison.Ordinal);
        var again = await alice.SendDirectAsync("bob", "a new link", Ct);
        await Eventually.HoldsAsync(() => Delivered(alice, "bob", again.MessageId), "the next dm is delivered on a new link", alice);
    }

    private static bool Delivered(PeerAgent agent, string peer, string? id) =>
        agent.FindDirect(peer)?.Snapshot().Any(m => m.Id == id && m.State == DeliveryState.Delivered) == true;

    private T Own<T>(T resource)
        where T : IAsyncDisposable
    {
        _owned.Add(resource);
        return resource;
    }

    private async Task LinkAsync(PeerAgent alice, string name, string? from)
    {
        var link = Own(await RawLink.DialPlainAsync(alice.PeerPort, from));
        await link.SendHelloAsync(name);
        Assert.Contains("\"name\":\"alice\"", await link.ReadLineAsync(), StringComparison.Ordinal);
        await Eventually.HoldsAsync(() => alice.GetLinkState(name) == DirectLinkState.Open, $"{name}'s link is open", alice);
    }
}
