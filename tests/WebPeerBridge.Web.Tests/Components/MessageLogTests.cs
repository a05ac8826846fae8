using Bunit;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Web.Components.Chat;
using WebPeerBridge.Web.Tests.Support;

namespace WebPeerBridge.Web.Tests.Components;

public sealed class MessageLogTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_message_containing_markup_shows_as_text()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<MessageLog>(p => p.Add(x => x.Agent, alice).Add(x => x.Conversation, alice.Broadcast));
        const string Text = "<script>alert('x')</script> <b>bold?</b> & <i>italic?</i>";

        await bob.BroadcastAsync(Text, Ct);

        cut.WaitForAssertion(() => Assert.Contains(Text, cut.LogText(), StringComparison.Ordinal), TestNetwork.Timeout);
        Assert.Empty(cut.FindAll("[role=log] script"));
        Assert.Empty(cut.FindAll("[role=log] b"));
        Assert.Empty(cut.FindAll("[role=log] i"));
    }

    [Fact]
    public async Task The_log_is_labelled_and_starts_with_a_hint_when_empty()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);

        var cut = chat.Render<MessageLog>(p => p.Add(x => x.Agent, alice).Add(x => x.Conversation, alice.Broadcast).Add(x => x.Label, "Messages to everyone"));

        Assert.Equal("Messages to everyone", cut.Find("[role=log]").GetAttribute("aria-label"));
        Assert.Contains("No messages yet", cut.LogText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delivery_state_changes_from_sending_to_delivered()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var conversation = alice.OpenDirect("bob");
        var cut = chat.Render<MessageLog>(p => p.Add(x => x.Agent, alice).Add(x => x.Conversation, conversation));

        conversation.Add(new ChatMessage("d-1", "alice", "psst", DateTimeOffset.UtcNow, IsOwn: true, DeliveryState.Sending));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[role=img][aria-label='Sending']")));

        conversation.Update("d-1", m => m with { State = DeliveryState.Delivered });

        cut.WaitForAssertion(() =>
        {
            Assert.NotNull(cut.Find("[role=img][aria-label='Delivered']"));
            Assert.Empty(cut.FindAll("[aria-label='Sending']"));
        });
    }

    [Fact]
    public async Task My_broadcast_shows_as_delivered_once_the_server_relayed_it()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<MessageLog>(p => p.Add(x => x.Agent, alice).Add(x => x.Conversation, alice.Broadcast));

        var sent = await alice.BroadcastAsync("anyone?", Ct);

        Assert.True(sent.Accepted);
        cut.WaitForAssertion(() =>
        {
            var line = cut.Find($"[data-message-id='{sent.MessageId}']");
            Assert.Contains("anyone?", line.TextContent, StringComparison.Ordinal);
            Assert.NotNull(line.QuerySelector("[aria-label='Delivered']"));
        }, TestNetwork.Timeout);
    }

    [Fact]
    public async Task A_failed_message_says_why_and_offers_to_resend()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var conversation = alice.OpenDirect("bob");
        var cut = chat.Render<MessageLog>(p => p.Add(x => x.Agent, alice).Add(x => x.Conversation, conversation));

        conversation.Add(new ChatMessage("d-2", "alice", "are you there?", DateTimeOffset.UtcNow, IsOwn: true, DeliveryState.Failed,
            Error: "bob went offline"));

        cut.WaitForAssertion(() =>
        {
            Assert.NotNull(cut.Find("[role=img][aria-label='Not delivered']"));
            Assert.Contains("Not delivered: bob went offline", cut.Find("[role=alert]").TextContent, StringComparison.Ordinal);
            Assert.True(cut.HasButton("Resend"));
        });
    }

    [Fact]
    public async Task Lines_show_sender_and_time_with_the_full_timestamp_on_hover()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var conversation = alice.Broadcast;
        var at = new DateTimeOffset(2026, 11, 24, 10, 7, 42, TimeSpan.Zero);
        var cut = chat.Render<MessageLog>(p => p.Add(x => x.Agent, alice).Add(x => x.Conversation, conversation));

        conversation.Add(new ChatMessage("s-1", "bob", "morning", at, IsOwn: false, DeliveryState.None));
        conversation.Add(new ChatMessage("s-2", "alice", "hi bob", at, IsOwn: true, DeliveryState.Delivered));
        conversation.Add(new ChatMessage("sys-1", "alice", "carol joined", at, IsOwn: false, DeliveryState.None, ChatMessageKind.System));

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-message-id]").Count));
        var morning = cut.Find("[data-message-id='s-1']");
        var time = morning.QuerySelector("time")!;
        var local = TimeZoneInfo.ConvertTime(at, TimeZoneInfo.Local);
        Assert.Equal(local.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture), time.TextContent);
        Assert.Contains(local.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), time.GetAttribute("title"), StringComparison.Ordinal);
        Assert.Contains("bob", morning.TextContent, StringComparison.Ordinal);
        Assert.Contains("wpb-line-own", cut.Find("[data-message-id='s-2']").ClassList);
        Assert.Contains("wpb-line-system", cut.Find("[data-message-id='sys-1']").ClassList);
        Assert.NotNull(cut.Find("[role=separator][aria-label]"));
    }

    [Fact]
    public async Task A_long_history_renders_only_a_window_of_lines()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var conversation = alice.Broadcast;
        for (var i = 0; i < 900; i++)
        {
            conversation.Add(new ChatMessage($"m-{i}", "bob", $"line {i}", DateTimeOffset.UtcNow, IsOwn: false, DeliveryState.None));
        }

        var cut = chat.Render<MessageLog>(p => p.Add(x => x.Agent, alice).Add(x => x.Conversation, conversation));

        // The browser scrolls the log to its end (bridge.js), and Virtualize then renders the newest window.
        var rendered = cut.FindAll("[data-message-id]").Count;
        Assert.InRange(rendered, 1, 200);
        Assert.Contains("line 0", cut.LogText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_line_that_mentions_me_is_highlighted_and_says_so()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<MessageLog>(p => p.Add(x => x.Agent, alice).Add(x => x.Conversation, alice.Broadcast));

        var mention = await bob.BroadcastAsync("ALICE, lunch?", Ct);
        var other = await bob.BroadcastAsync("alicia is late", Ct);

        cut.WaitForAssertion(() => Assert.Contains("alicia is late", cut.LogText(), StringComparison.Ordinal), TestNetwork.Timeout);
        var lines = cut.FindAll("[data-message-id]");
        var highlighted = lines.Single(l => l.TextContent.Contains("ALICE, lunch?", StringComparison.Ordinal));
        Assert.NotNull(highlighted.QuerySelector("[role=img][aria-label='Mentions you']"));
        Assert.Contains("wpb-line-mention", highlighted.ClassList);
        Assert.Equal("ALICE, lunch?", highlighted.QuerySelector(".wpb-text")!.TextContent); // the mark is beside the text, not in it
        var plain = lines.Single(l => l.TextContent.Contains("alicia is late", StringComparison.Ordinal));
        Assert.Null(plain.QuerySelector("[aria-label='Mentions you']"));
        _ = (mention, other);
    }

    [Fact]
    public async Task Joins_that_come_together_are_one_quiet_line_and_the_agent_stores_no_line_for_them()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<MessageLog>(p => p.Add(x => x.Agent, alice).Add(x => x.Conversation, alice.Broadcast));

        foreach (var name in new[] { "ana", "bo", "cy", "di", "ed" })
        {
            await chat.Network.JoinPersonAsync(name, Ct);
        }

        cut.WaitForAssertion(() => Assert.Contains("ana, bo and 3 others joined", cut.LogText(), StringComparison.Ordinal), TestNetwork.Timeout);
        Assert.Single(cut.FindAll("[data-quiet-line]"));
        Assert.DoesNotContain(alice.Broadcast.Snapshot(), m => m.Kind == ChatMessageKind.System);
    }

    [Fact]
    public async Task Lines_that_arrive_while_scrolled_up_are_counted_on_a_button_that_jumps_to_them()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<MessageLog>(p => p.Add(x => x.Agent, alice).Add(x => x.Conversation, alice.Broadcast));
        Assert.Empty(cut.FindAll("[aria-label^='Jump to the newest message']"));

        // The browser says the reader scrolled up (bridge.js followLog).
        await cut.InvokeAsync(() => cut.Instance.SetFollowing(false));
        Assert.Equal("Newest", cut.Find("[aria-label='Jump to the newest message']").TextContent.Trim());
        await bob.BroadcastAsync("one", Ct);
        await bob.BroadcastAsync("two", Ct);

        cut.WaitForAssertion(() => Assert.Equal("2 new", cut.Find("[aria-label='Jump to the newest message (2 new)']").TextContent.Trim()),
            TestNetwork.Timeout);
        Assert.Contains("two", cut.LogText(), StringComparison.Ordinal);
        await cut.Find("[aria-label='Jump to the newest message (2 new)']").ClickAsync(new());

        Assert.Empty(cut.FindAll("[aria-label^='Jump to the newest message']"));
        Assert.Contains(chat.Js.Invocations, i => i.Identifier == "scrollLogToEnd");
    }

    [Fact]
    public async Task A_new_line_is_appended_without_rendering_the_lines_before_it_again()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        await bob.BroadcastAsync("first", Ct);
        await Signals.UntilAsync(alice, () => alice.Broadcast.Snapshot().Any(m => m.Text == "first"), Ct);
        var cut = chat.Render<MessageLog>(p => p.Add(x => x.Agent, alice).Add(x => x.Conversation, alice.Broadcast));
        var first = cut.FindComponents<MessageLine>().Single();
        var rendersBefore = first.RenderCount;

        await bob.BroadcastAsync("second", Ct);

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindComponents<MessageLine>().Count), TestNetwork.Timeout);
        Assert.Equal(rendersBefore, first.RenderCount);
    }

    [Fact]
    public async Task A_log_opened_after_people_joined_and_left_still_shows_their_quiet_lines()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        await bob.LeaveAsync(Ct);
        await Signals.UntilAsync(alice, () => alice.PresenceBursts.Any(b => !b.Joined), Ct);

        var cut = chat.Render<MessageLog>(p => p.Add(x => x.Agent, alice).Add(x => x.Conversation, alice.Broadcast));

        Assert.Equal(["bob joined", "bob left"], cut.FindAll("[data-quiet-line] .wpb-text").Select(e => e.TextContent));
    }
}
