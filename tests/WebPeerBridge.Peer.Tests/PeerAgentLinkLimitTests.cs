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
        await first.SendRawAsync("to_peer:first");
        await Eventually.HoldsAsync(() => alice.LiveLinkCount == 1, "the first classic link is open", alice);

        var second = Own(await RawLink.DialPlainAsync(alice.PeerPort));
        await second.SendRawAsync("to_peer:second");

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
        Assert.Contains("Idle", why.Detail, StringComparison.Ordinal);
        Assert.Contains("opens it again", why.Detail, StringComparison.Ordinal);
        var again = await alice.SendDirectAsync("bob", "a new link", Ct);
        await Eventually.HoldsAsync(() => Delivered(alice, "bob", again.MessageId), "the next dm is delivered on a new link", alice);
    }

    [Fact]
    public async Task New_links_from_one_address_beyond_the_rate_get_too_many_while_an_open_link_keeps_chatting()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port, o => o.MaxNewLinksPerAddressPerMinute = 3);
        var bob = await _agents.JoinAsync("bob", _server.Port);
        await Eventually.HoldsAsync(() => alice.Peers.Count == 1 && bob.Peers.Count == 1, "they see each other", alice, bob);
        var first = await bob.SendDirectAsync("alice", "before the flood", Ct);
        await Eventually.HoldsAsync(() => Delivered(bob, "alice", first.MessageId), "bob's first dm is delivered", bob);

        // bob's link was the first new link from 127.0.0.1 this minute; two more classic links fit, the next does not.
        for (var i = 0; i < 2; i++)
        {
            var accepted = Own(await RawLink.DialPlainAsync(alice.PeerPort));
            await accepted.SendRawAsync($"to_peer:flood {i}");
            await Eventually.HoldsAsync(() => alice.DirectConversations.SelectMany(c => c.Snapshot()).Any(m => m.Text == $"flood {i}"),
                $"classic link {i} is accepted", alice);
        }

        var refused = Own(await RawLink.DialPlainAsync(alice.PeerPort));
        await refused.SendRawAsync("to_peer:one too many");
        Assert.Null(await refused.ReadLineAsync());

        var after = await bob.SendDirectAsync("alice", "after the flood", Ct);
        await Eventually.HoldsAsync(() => Delivered(bob, "alice", after.MessageId), "bob's open link still delivers", bob);
        Assert.Equal(["before the flood", "after the flood"],
            alice.FindDirect("bob")!.Snapshot().Where(m => m.Kind == ChatMessageKind.Chat).Select(m => m.Text));
        Assert.DoesNotContain(alice.DirectConversations.SelectMany(c => c.Snapshot()), m => m.Text == "one too many");
    }

    [Fact]
    public async Task Rate_of_new_links_counts_per_address_and_starts_again_each_minute()
    {
        var (alice, time) = await StartOnFakeClockAsync(o => o.MaxNewLinksPerAddressPerMinute = 1);

        var first = Own(await RawLink.DialPlainAsync(alice.PeerPort));
        await first.SendRawAsync("to_peer:first");
        await Eventually.HoldsAsync(() => alice.LiveLinkCount == 1, "the first classic link is open", alice);
        var second = Own(await RawLink.DialPlainAsync(alice.PeerPort));
        await second.SendRawAsync("to_peer:second");
        Assert.Null(await second.ReadLineAsync());

        var other = Own(await RawLink.DialPlainAsync(alice.PeerPort, "127.0.0.2"));
        await other.SendRawAsync("to_peer:other host");
        await Eventually.HoldsAsync(() => alice.LiveLinkCount == 2, "another address is not held back", alice);

        time.Advance(TimeSpan.FromMinutes(1));
        var third = Own(await RawLink.DialPlainAsync(alice.PeerPort));
        await third.SendRawAsync("to_peer:next minute");
        await Eventually.HoldsAsync(() => alice.DirectConversations.SelectMany(c => c.Snapshot()).Any(m => m.Text == "next minute"),
            "a new minute admits a new link", alice);
    }

    [Fact]
    public async Task Conversations_beyond_the_cap_forget_the_one_used_longest_ago_and_keep_the_active_one()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port, o => o.MaxDirectConversations = 3);
        var bob = await _agents.JoinAsync("bob", _server.Port);
        await Eventually.HoldsAsync(() => alice.Peers.Count == 1 && bob.Peers.Count == 1, "they see each other", alice, bob);

        for (var i = 0; i < 6; i++)
        {
            // Each classic connection from an unlisted address is its own conversation (shown by its address and port).
            await using (var flood = await RawLink.DialPlainAsync(alice.PeerPort))
            {
                await flood.SendRawAsync($"to_peer:flood {i}");
                await Eventually.HoldsAsync(() => alice.DirectConversations.SelectMany(c => c.Snapshot()).Any(m => m.Text == $"flood {i}"),
                    $"flood {i} arrives", alice);
            }

            var sent = await bob.SendDirectAsync("alice", $"bob {i}", Ct);
            await Eventually.HoldsAsync(() => Delivered(bob, "alice", sent.MessageId), $"bob {i} is delivered", bob);
            Assert.True(alice.DirectConversations.Count <= 3, $"{alice.DirectConversations.Count} conversations are kept");
        }

        Assert.Equal(3, alice.DirectConversations.Count);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"bob {i}"),
            alice.FindDirect("bob")!.Snapshot().Where(m => m.Kind == ChatMessageKind.Chat).Select(m => m.Text));
        Assert.DoesNotContain(alice.DirectConversations.SelectMany(c => c.Snapshot()), m => m.Text == "flood 0");
    }

    [Fact]
    public async Task A_link_sending_direct_messages_past_its_burst_and_rate_gets_too_many_for_that_message_and_is_closed()
    {
        var (alice, time) = await StartOnFakeClockAsync(o =>
        {
            o.DirectMessageBurst = 3;
            o.DirectMessagesPerSecond = 1;
        });
        _owned.Add(await RawClient.JoinAsync(_server.Port, "mallory", RawClient.ClosedPort()));
        await Eventually.HoldsAsync(() => alice.Peers.Count == 1, "alice lists mallory", alice);
        var link = Own(await RawLink.DialPlainAsync(alice.PeerPort));
        await link.SendHelloAsync("mallory");
        Assert.Contains("\"hello\"", await link.ReadLineAsync(), StringComparison.Ordinal);

        for (var i = 0; i < 3; i++)
        {
            await link.SendDmAsync($"d-{i}", $"burst {i}", time.GetUtcNow());
            Assert.Contains($"\"ack\",\"id\":\"d-{i}\"", await link.ReadLineAsync(), StringComparison.Ordinal);
        }

        // One second gives one more.
        time.Advance(TimeSpan.FromSeconds(1));
        await link.SendDmAsync("d-3", "after a second", time.GetUtcNow());
        Assert.Contains("\"ack\",\"id\":\"d-3\"", await link.ReadLineAsync(), StringComparison.Ordinal);

        await link.SendDmAsync("d-4", "one too fast", time.GetUtcNow());
        var refusal = await link.ReadLineAsync();
        Assert.Contains("\"code\":\"too_many\"", refusal, StringComparison.Ordinal);
        Assert.Contains("\"id\":\"d-4\"", refusal, StringComparison.Ordinal);
        Assert.Null(await link.ReadLineAsync());
        Assert.Equal(["burst 0", "burst 1", "burst 2", "after a second"],
            alice.FindDirect("mallory")!.Snapshot().Where(m => m.Kind == ChatMessageKind.Chat).Select(m => m.Text));
    }

    [Fact]
    public async Task A_classic_link_sending_past_its_burst_is_closed_without_a_word_after_the_messages_within_it()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port, o =>
        {
            o.DirectMessageBurst = 2;
            o.DirectMessagesPerSecond = 0.1;
        });
        var seed = Own(await RawLink.DialPlainAsync(alice.PeerPort));

        await seed.SendRawAsync("to_peer:oneto_peer:twoto_peer:three");

        Assert.Null(await seed.ReadLineAsync());
        var texts = alice.DirectConversations.SelectMany(c => c.Snapshot()).Where(m => m.Kind == ChatMessageKind.Chat).Select(m => m.Text).ToList();
        Assert.Equal(["one", "two"], texts);
    }

    // An agent whose clock only the test moves; nothing else it does with the clock (pings, dial timeouts, idle links) comes due.
    private async Task<(PeerAgent Agent, FakeTimeProvider Time)> StartOnFakeClockAsync(Action<PeerAgentOptions> configure)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = Agents.Options("alice", _server.Port);
        options.PingInterval = TimeSpan.FromHours(1);
        options.ConnectTimeout = TimeSpan.FromMinutes(5);
        options.LinkIdleTimeout = TimeSpan.FromHours(1);
        configure(options);
        var alice = new PeerAgent(options, null, time);
        _owned.Add(alice);
        Assert.True((await alice.StartAsync(Ct).WaitAsync(Timeouts.Await, Ct)).Success);
        return (alice, time);
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
