using Bunit;
using Microsoft.AspNetCore.Components.Web;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Web.Components.Chat;
using WebPeerBridge.Web.Tests.Support;

namespace WebPeerBridge.Web.Tests.Components;

public sealed class ComposerTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static readonly KeyboardEventArgs Enter = new() { Key = "Enter", Code = "Enter" };

    [Fact]
    public async Task Enter_sends_the_message_to_everyone()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<Composer>(p => p.Add(x => x.Agent, alice).Add(x => x.ConversationKey, Conversation.BroadcastKey));

        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync("hello everyone"));
        await cut.InvokeAsync(() => cut.FindByLabel("Message").KeyDownAsync(Enter));

        await Signals.UntilAsync(bob, () => bob.Broadcast.Snapshot().Any(m => m is { From: "alice", Text: "hello everyone" }), Ct);
        cut.WaitForAssertion(() => Assert.True(string.IsNullOrEmpty(cut.FindByLabel("Message").GetAttribute("value"))), TestNetwork.Timeout);
    }

    [Fact]
    public async Task Shift_Enter_does_not_send()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<Composer>(p => p.Add(x => x.Agent, alice).Add(x => x.ConversationKey, Conversation.BroadcastKey));

        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync("first line"));
        await cut.InvokeAsync(() => cut.FindByLabel("Message").KeyDownAsync(new KeyboardEventArgs { Key = "Enter", ShiftKey = true }));

        Assert.DoesNotContain(alice.Broadcast.Snapshot(), m => m.IsOwn);
        Assert.Equal("first line", cut.FindByLabel("Message").GetAttribute("value"));
    }

    [Fact]
    public async Task The_Send_button_sends_too()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<Composer>(p => p.Add(x => x.Agent, alice).Add(x => x.ConversationKey, Conversation.BroadcastKey));
        Assert.True(cut.FindButton("Send").IsDisabled());

        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync("by button"));
        await cut.ClickAsync("Send");

        await Signals.UntilAsync(alice, () => alice.Broadcast.Snapshot().Any(m => m is { IsOwn: true, Text: "by button" }), Ct);
    }

    [Fact]
    public async Task In_a_direct_conversation_plain_text_goes_to_that_peer()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        await Signals.UntilAsync(alice, () => alice.Peers.Any(p => p.Name == "bob"), Ct);
        var cut = chat.Render<Composer>(p => p.Add(x => x.Agent, alice).Add(x => x.ConversationKey, "bob"));

        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync("just for you"));
        await cut.InvokeAsync(() => cut.FindByLabel("Message").KeyDownAsync(Enter));

        await Signals.UntilAsync(bob, () => bob.FindDirect("alice")?.Snapshot().Any(m => m.Text == "just for you") == true, Ct);
        Assert.DoesNotContain(bob.Broadcast.Snapshot(), m => m.Text == "just for you");
    }

    [Fact]
    public async Task A_malformed_conn_command_shows_what_is_wrong_and_keeps_the_text()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<Composer>(p => p.Add(x => x.Agent, alice).Add(x => x.ConversationKey, Conversation.BroadcastKey));

        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync("conn:nohost"));
        await cut.InvokeAsync(() => cut.FindByLabel("Message").KeyDownAsync(Enter));

        cut.WaitForAssertion(() => Assert.Contains("Use conn:<host>:<port>", cut.Find(".wpb-composer").TextContent, StringComparison.Ordinal));
        Assert.Equal("true", cut.FindByLabel("Message").GetAttribute("aria-invalid"));
        Assert.Equal("conn:nohost", cut.FindByLabel("Message").GetAttribute("value"));
        chat.Snackbars.WaitForAssertion(() => Assert.Contains("Use conn:", chat.ToastText, StringComparison.Ordinal));
        Assert.DoesNotContain(alice.Broadcast.Snapshot(), m => m.IsOwn);
    }

    [Fact]
    public async Task A_direct_message_to_an_unknown_peer_shows_an_error()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<Composer>(p => p.Add(x => x.Agent, alice).Add(x => x.ConversationKey, Conversation.BroadcastKey));

        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync("/msg nobody hello"));
        await cut.InvokeAsync(() => cut.FindByLabel("Message").KeyDownAsync(Enter));

        cut.WaitForAssertion(() => Assert.Equal("true", cut.FindByLabel("Message").GetAttribute("aria-invalid")), TestNetwork.Timeout);
        Assert.Contains("nobody", cut.Find(".wpb-composer").TextContent, StringComparison.Ordinal);
        Assert.Equal("/msg nobody hello", cut.FindByLabel("Message").GetAttribute("value"));
    }

    [Fact]
    public async Task A_msg_command_opens_that_conversation()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        await Signals.UntilAsync(alice, () => alice.Peers.Any(p => p.Name == "bob"), Ct);
        string? opened = null;
        var cut = chat.Render<Composer>(p => p.Add(x => x.Agent, alice).Add(x => x.ConversationKey, Conversation.BroadcastKey)
            .Add(x => x.OnOpenConversation, (string key) => opened = key));

        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync("/msg bob hi there"));
        await cut.InvokeAsync(() => cut.FindByLabel("Message").KeyDownAsync(Enter));

        await Signals.UntilAsync(bob, () => bob.FindDirect("alice")?.Snapshot().Any(m => m.Text == "hi there") == true, Ct);
        cut.WaitForAssertion(() => Assert.Equal("bob", opened), TestNetwork.Timeout);
    }

    [Fact]
    public async Task Help_lists_the_commands()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<Composer>(p => p.Add(x => x.Agent, alice).Add(x => x.ConversationKey, Conversation.BroadcastKey));

        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync("/help"));
        await cut.InvokeAsync(() => cut.FindByLabel("Message").KeyDownAsync(Enter));

        var help = cut.Find(".wpb-help-list").TextContent;
        Assert.Contains("conn:<host>:<port>", help, StringComparison.Ordinal);
        Assert.Contains("to_peer:<text>", help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Close_asks_to_leave_the_chat()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var leaving = false;
        var cut = chat.Render<Composer>(p => p.Add(x => x.Agent, alice).Add(x => x.ConversationKey, Conversation.BroadcastKey)
            .Add(x => x.OnLeave, () => leaving = true));

        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync("close"));
        await cut.InvokeAsync(() => cut.FindByLabel("Message").KeyDownAsync(Enter));

        Assert.True(leaving);
        Assert.DoesNotContain(alice.Broadcast.Snapshot(), m => m.IsOwn);
    }

    [Fact]
    public async Task A_draft_survives_a_reload_of_the_conversation()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var first = chat.Render<Composer>(p => p.Add(x => x.Agent, alice).Add(x => x.ConversationKey, Conversation.BroadcastKey));
        await first.InvokeAsync(() => first.FindByLabel("Message").InputAsync("half a thought"));

        var again = chat.Render<Composer>(p => p.Add(x => x.Agent, alice).Add(x => x.ConversationKey, Conversation.BroadcastKey));

        Assert.Equal("half a thought", again.FindByLabel("Message").GetAttribute("value"));
    }

    [Fact]
    public async Task Up_in_an_empty_box_brings_back_what_I_sent_and_down_goes_forward_again()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<Composer>(p => p.Add(x => x.Agent, alice).Add(x => x.ConversationKey, Conversation.BroadcastKey));
        foreach (var text in new[] { "first", "second" })
        {
            await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync(text));
            await cut.InvokeAsync(() => cut.FindByLabel("Message").KeyDownAsync(Enter));
        }

        string Shown() => cut.FindByLabel("Message").GetAttribute("value") ?? "";
        var up = new KeyboardEventArgs { Key = "ArrowUp" };
        var down = new KeyboardEventArgs { Key = "ArrowDown" };

        await cut.InvokeAsync(() => cut.FindByLabel("Message").KeyDownAsync(up));
        Assert.Equal("second", Shown());
        await cut.InvokeAsync(() => cut.FindByLabel("Message").KeyDownAsync(up));
        Assert.Equal("first", Shown());
        await cut.InvokeAsync(() => cut.FindByLabel("Message").KeyDownAsync(down));
        Assert.Equal("second", Shown());
        await cut.InvokeAsync(() => cut.FindByLabel("Message").KeyDownAsync(down));
        Assert.Equal("", Shown());
    }

    [Fact]
    public async Task A_line_the_browser_took_is_sent_and_the_text_typed_after_it_stays_in_the_box()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = RenderTakenByTheBrowser(chat, alice);

        // The browser emptied the box at Enter and the next keys came in before the line reached the server.
        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync("the next li"));
        var accepted = await cut.InvokeAsync(() => cut.Instance.SubmitLineAsync(1, "the first line"));

        Assert.True(accepted);
        await Signals.UntilAsync(bob, () => bob.Broadcast.Snapshot().Any(m => m is { From: "alice", Text: "the first line" }), Ct);
        Assert.Equal("the next li", cut.FindByLabel("Message").GetAttribute("value"));
        Assert.Equal("the next li", chat.Session.Session.GetDraft(Conversation.BroadcastKey));
    }

    [Fact]
    public async Task Lines_the_browser_hands_over_one_after_another_arrive_in_that_order()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = RenderTakenByTheBrowser(chat, alice);
        var lines = Enumerable.Range(1, 20).Select(i => $"line {i:00}").ToList();

        for (var i = 0; i < lines.Count; i++)
        {
            var (id, line) = (i + 1, lines[i]);
            Assert.True(await cut.InvokeAsync(() => cut.Instance.SubmitLineAsync(id, line)));
        }

        await Signals.UntilAsync(bob, () => bob.Broadcast.Snapshot().Count(m => m.From == "alice") == lines.Count, Ct);
        Assert.Equal(lines, bob.Broadcast.Snapshot().Where(m => m.From == "alice").Select(m => m.Text));
    }

    [Fact]
    public async Task A_line_the_browser_hands_over_again_after_a_lost_answer_is_sent_once()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = RenderTakenByTheBrowser(chat, alice);

        Assert.True(await cut.InvokeAsync(() => cut.Instance.SubmitLineAsync(1, "said once")));
        Assert.True(await cut.InvokeAsync(() => cut.Instance.SubmitLineAsync(1, "said once")));
        Assert.True(await cut.InvokeAsync(() => cut.Instance.SubmitLineAsync(2, "and then this")));

        // The line after it came through the same link: a second copy would have arrived before it.
        await Signals.UntilAsync(bob, () => bob.Broadcast.Snapshot().Any(m => m is { From: "alice", Text: "and then this" }), Ct);
        Assert.Equal(["said once", "and then this"], bob.Broadcast.Snapshot().Where(m => m.From == "alice").Select(m => m.Text));
    }

    [Fact]
    public async Task Enter_does_not_send_again_what_the_browser_already_took()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = RenderTakenByTheBrowser(chat, alice);

        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync("once"));
        await cut.InvokeAsync(() => cut.FindByLabel("Message").KeyDownAsync(Enter));
        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync(""));
        Assert.True(await cut.InvokeAsync(() => cut.Instance.SubmitLineAsync(1, "once")));

        Assert.Single(alice.Broadcast.Snapshot(), m => m is { IsOwn: true, Text: "once" });
    }

    [Fact]
    public async Task The_Send_button_has_the_browser_take_the_line()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = RenderTakenByTheBrowser(chat, alice);

        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync("by button"));
        await cut.ClickAsync("Send");

        chat.Js.VerifyInvoke("submitComposer");
        Assert.DoesNotContain(alice.Broadcast.Snapshot(), m => m.IsOwn);
    }

    [Fact]
    public async Task A_refused_line_from_the_browser_is_handed_back_and_its_error_stays_while_it_is_in_the_box()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = RenderTakenByTheBrowser(chat, alice);

        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync(""));
        var accepted = await cut.InvokeAsync(() => cut.Instance.SubmitLineAsync(1, "conn:nohost"));
        // The browser puts it back, as typing would.
        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync("conn:nohost"));

        Assert.False(accepted);
        Assert.Equal("true", cut.FindByLabel("Message").GetAttribute("aria-invalid"));
        Assert.Contains("Use conn:<host>:<port>", cut.Find(".wpb-composer").TextContent, StringComparison.Ordinal);

        await cut.InvokeAsync(() => cut.FindByLabel("Message").InputAsync("conn:nohost:1"));
        Assert.NotEqual("true", cut.FindByLabel("Message").GetAttribute("aria-invalid"));
    }

    // The composer as it runs in a browser where bridge.js loaded: the browser takes the lines from the box.
    private static IRenderedComponent<Composer> RenderTakenByTheBrowser(ChatHarness chat, WebPeerBridge.Peer.PeerAgent agent)
    {
        chat.Js.Setup<bool?>("initComposer", _ => true).SetResult(true);
        return chat.Render<Composer>(p => p.Add(x => x.Agent, agent).Add(x => x.ConversationKey, Conversation.BroadcastKey));
    }
}
