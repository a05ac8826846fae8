using System.Collections.Concurrent;
using WebPeerBridge.Peer.Changes;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Peer.Tests.Support;
using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Peer.Tests;

/// <summary>What an agent's subscribers hear: typed changes that carry what changed, in order, off the sockets' loops.</summary>
public sealed class PeerAgentChangeTests : IAsyncLifetime
{
    private readonly Agents _agents = new();
    private TestServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _agents.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_received_broadcast_arrives_as_lines_added_carrying_the_line()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        var bob = await _agents.JoinAsync("bob", _server.Port);
        var added = Await<LinesAdded>(alice, c => c.Conversation == alice.Broadcast && c.Lines.Any(l => l.From == "bob"));

        await bob.BroadcastAsync("hello all", Ct);

        var change = await added.WaitAsync(Timeouts.Await, Ct);
        var line = Assert.Single(change.Lines);
        Assert.Equal(("bob", "hello all", false), (line.From, line.Text, line.MentionsYou));
        Assert.Equal(1, alice.Broadcast.Unread);
        Assert.Equal(0, alice.Broadcast.Highlights);
    }

    [Fact]
    public async Task A_receipt_arrives_as_a_line_update_carrying_the_state_before_and_after()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        var updated = Await<LineUpdated>(alice, c => c.Line.State == DeliveryState.Delivered);

        var sent = await alice.BroadcastAsync("anyone?", Ct);

        var change = await updated.WaitAsync(Timeouts.Await, Ct);
        Assert.Equal(sent.MessageId, change.Line.Id);
        Assert.Equal(DeliveryState.Sending, change.Previous.State);
        Assert.Same(alice.Broadcast, change.Conversation);
    }

    [Fact]
    public async Task A_direct_message_asks_for_attention_and_counts_as_a_highlight()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        var bob = await _agents.JoinAsync("bob", _server.Port);
        await Eventually.HoldsAsync(() => bob.Peers.Any(p => p.Name == "alice"), "bob sees alice", bob);
        var attention = Await<AttentionRaised>(alice, _ => true);

        await bob.SendDirectAsync("alice", "psst", Ct);

        var change = await attention.WaitAsync(Timeouts.Await, Ct);
        Assert.Equal(AttentionKind.DirectMessage, change.Kind);
        Assert.Equal(("bob", "psst"), (change.Conversation.Key, change.Line.Text));
        Assert.Equal((1, 1), (change.Conversation.Unread, change.Conversation.Highlights));
    }

    [Fact]
    public async Task A_broadcast_with_my_name_is_a_mention_highlighted_and_listed_until_dismissed()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        var bob = await _agents.JoinAsync("bob", _server.Port);
        var attention = Await<AttentionRaised>(alice, _ => true);

        await bob.BroadcastAsync("lunch, @Alice?", Ct);

        var change = await attention.WaitAsync(Timeouts.Await, Ct);
        Assert.Equal(AttentionKind.Mention, change.Kind);
        Assert.True(change.Line.MentionsYou);
        Assert.Equal((1, 1), (alice.Broadcast.Unread, alice.Broadcast.Highlights));
        await Eventually.HoldsAsync(() => alice.Mentions.Count == 1, "the mention is listed", alice);
        var mention = alice.Mentions[0];
        Assert.Equal((Conversation.BroadcastKey, "bob", "lunch, @Alice?", change.Line.Id), (mention.ConversationKey, mention.From, mention.Text, mention.MessageId));

        var dismissed = Await<MentionsChanged>(alice, _ => true);
        alice.DismissMention(Conversation.BroadcastKey, mention.MessageId);

        await dismissed.WaitAsync(Timeouts.Await, Ct);
        Assert.Empty(alice.Mentions);
    }

    [Fact]
    public async Task Lines_that_arrive_while_the_person_reads_stay_read_and_count_again_once_they_stop()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        var bob = await _agents.JoinAsync("bob", _server.Port);
        var reading = alice.Broadcast.BeginReading();

        await bob.BroadcastAsync("seen at once", Ct);
        await Eventually.MessageAsync(() => alice.Broadcast, m => m.Text == "seen at once", "the line arrives", alice);
        Assert.Equal(0, alice.Broadcast.Unread);
        reading.Dispose();
        await bob.BroadcastAsync("seen later", Ct);
        await Eventually.HoldsAsync(() => alice.Broadcast.Unread == 1, "the line counts as unread", alice);

        var read = Await<ConversationRead>(alice, c => c.Conversation == alice.Broadcast);
        alice.Broadcast.MarkRead();

        await read.WaitAsync(Timeouts.Await, Ct);
        Assert.Equal(0, alice.Broadcast.Unread);
    }

    [Fact]
    public async Task History_that_a_first_welcome_brings_asks_for_nobodys_attention()
    {
        var bob = await _agents.JoinAsync("bob", _server.Port);
        await bob.BroadcastAsync("alice, are you coming?", Ct);
        await bob.BroadcastAsync("the last word", Ct);
        await Eventually.MessageAsync(() => bob.Broadcast, m => m.Text == "the last word" && m.State == DeliveryState.Delivered, "relayed", bob);

        var alice = await _agents.JoinAsync("alice", _server.Port);

        var line = await Eventually.MessageAsync(() => alice.Broadcast, m => m.Text == "alice, are you coming?", "the history arrives", alice);
        Assert.True(line.MentionsYou);
        Assert.Empty(alice.Mentions);
        Assert.Equal(0, alice.Broadcast.Highlights);
    }

    [Fact]
    public async Task A_join_is_one_presence_change_and_stores_no_line()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        var joined = Await<PresenceChanged>(alice, c => c.Joined.Any(p => p.Name == "bob"));

        await _agents.JoinAsync("bob", _server.Port);

        var change = await joined.WaitAsync(Timeouts.Await, Ct);
        Assert.False(change.Quiet);
        Assert.Empty(change.Left);
        Assert.Empty(alice.Broadcast.Snapshot());
    }

    [Fact]
    public async Task In_a_direct_conversation_the_peer_leaving_and_coming_back_are_lines_and_links_are_not()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        var carol = await _agents.JoinAsync("carol", _server.Port);
        await Eventually.HoldsAsync(() => carol.Peers.Any(p => p.Name == "alice"), "carol sees alice", carol);
        await carol.SendDirectAsync("alice", "hi", Ct);
        await Eventually.MessageAsync(() => alice.FindDirect("carol"), m => m.Text == "hi", "the dm arrives", alice);

        await carol.LeaveAsync(Ct);
        var left = new SystemLine(SystemLineKind.PeerLeft, "carol", LeftReasons.Bye);
        await Eventually.MessageAsync(() => alice.FindDirect("carol"), m => m.SystemLine == left, "alice sees carol leave", alice);
        await _agents.JoinAsync("carol", _server.Port);

        var back = new SystemLine(SystemLineKind.PeerBack, "carol");
        await Eventually.MessageAsync(() => alice.FindDirect("carol"), m => m.SystemLine == back, "alice sees carol back", alice);
        var lines = alice.FindDirect("carol")!.Snapshot();
        Assert.Equal(["hi", "", ""], lines.Select(m => m.Text));
        Assert.Equal<SystemLine?>([null, left, back], lines.Select(m => m.SystemLine));
    }

    [Fact]
    public async Task A_conversation_opened_the_moment_a_peer_is_listed_gets_no_is_back_line()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        List<RawClient> peers = [];
        try
        {
            for (var i = 0; i < 40; i++)
            {
                var name = $"new{i}";
                var joined = Await<PresenceChanged>(alice, c => c.Joined.Any(p => p.Name == name));
                var joining = RawClient.JoinAsync(_server.Port, name, RawClient.ClosedPort());

                // The user opens the conversation as soon as the list shows the peer, while the agent may still be
                // handling its join.
                var spin = new SpinWait();
                while (!alice.Peers.Any(p => p.Name == name))
                {
                    spin.SpinOnce();
                }

                var conversation = alice.OpenDirect(name);
                await joined.WaitAsync(Timeouts.Await, Ct);
                peers.Add(await joining.WaitAsync(Timeouts.Await, Ct));
                Assert.Empty(conversation.Snapshot());
            }
        }
        finally
        {
            foreach (var peer in peers)
            {
                await peer.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_subscriber_that_throws_does_not_stop_the_others()
    {
        var alice = await _agents.JoinAsync("alice", _server.Port);
        var bob = await _agents.JoinAsync("bob", _server.Port);
        using var faulty = alice.Subscribe(_ => throw new InvalidOperationException("a broken view"));
        var added = Await<LinesAdded>(alice, c => c.Lines.Any(l => l.Text == "still heard"));

        await bob.BroadcastAsync("still heard", Ct);

        await added.WaitAsync(Timeouts.Await, Ct);
    }

    /// <summary>The first change of type <typeparamref name="T"/> that matches, heard through a subscription made now.</summary>
    private static Task<T> Await<T>(PeerAgent agent, Func<T, bool> match)
        where T : AgentChange
    {
        var seen = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscription = agent.Subscribe(change =>
        {
            if (change is T typed && match(typed))
            {
                seen.TrySetResult(typed);
            }
        });
        _ = seen.Task.ContinueWith(_ => subscription.Dispose(), TaskScheduler.Default);
        return seen.Task;
    }
}
