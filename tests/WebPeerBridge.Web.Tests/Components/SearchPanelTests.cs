using Bunit;
using Microsoft.AspNetCore.Components.Web;
using WebPeerBridge.Peer;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Web.Components.Chat;
using WebPeerBridge.Web.Tests.Support;

namespace WebPeerBridge.Web.Tests.Components;

/// <summary>Searching a conversation's history from its header.</summary>
public sealed class SearchPanelTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task Typing_a_word_lists_the_lines_that_hold_it_with_the_match_highlighted()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var (agent, conversation) = await ConversationAsync(chat, "Lunch at noon?", "no thanks", "lunch is fine");
        var cut = chat.Render<SearchPanel>(p => p.Add(x => x.Agent, agent).Add(x => x.Conversation, conversation).Add(x => x.Label, "Search messages to everyone"));

        await cut.ClickAsync("Search messages");
        Assert.NotNull(cut.Find("[role=search][aria-label='Search messages to everyone']"));
        await cut.InvokeAsync(() => cut.FindByLabel("Search").InputAsync("lunch"));

        cut.WaitForAssertion(() => Assert.Equal("2 matches", cut.Find("[role=status]").TextContent.Trim()), TestNetwork.Timeout);
        var results = cut.FindAll("ol[aria-label='Search results'] button");
        Assert.Equal(2, results.Count);
        Assert.Contains("lunch is fine", results[0].TextContent, StringComparison.Ordinal); // newest first
        Assert.Equal(["lunch", "Lunch"], cut.FindAll("mark").Select(m => m.TextContent));
        Assert.DoesNotContain(results, r => r.TextContent.Contains("no thanks", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_result_jumps_to_its_line_in_the_log()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var (agent, conversation) = await ConversationAsync(chat, "first", "needle here", "last");
        var cut = chat.Render<SearchPanel>(p => p.Add(x => x.Agent, agent).Add(x => x.Conversation, conversation));
        await cut.ClickAsync("Search messages");
        await cut.InvokeAsync(() => cut.FindByLabel("Search").InputAsync("needle"));
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("ol[aria-label='Search results'] button")), TestNetwork.Timeout);

        await cut.InvokeAsync(() => cut.Find("ol[aria-label='Search results'] button").ClickAsync(new MouseEventArgs()));

        var jump = chat.Js.VerifyInvoke("jumpToLine");
        Assert.Equal("m1", jump.Arguments[1]);
        Assert.Equal(1, jump.Arguments[2]);
        Assert.Empty(cut.FindAll("ol[aria-label='Search results']")); // out of the way of the line
    }

    [Fact]
    public async Task A_word_nobody_wrote_says_so()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var (agent, conversation) = await ConversationAsync(chat, "hello");
        var cut = chat.Render<SearchPanel>(p => p.Add(x => x.Agent, agent).Add(x => x.Conversation, conversation));
        await cut.ClickAsync("Search messages");

        await cut.InvokeAsync(() => cut.FindByLabel("Search").InputAsync("zebra"));

        cut.WaitForAssertion(() => Assert.Equal("No messages hold “zebra”", cut.Find("[role=status]").TextContent.Trim()), TestNetwork.Timeout);
    }

    [Fact]
    public async Task A_line_that_arrives_while_searching_is_found_too()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var (agent, conversation) = await ConversationAsync(chat, "pizza tonight");
        var cut = chat.Render<SearchPanel>(p => p.Add(x => x.Agent, agent).Add(x => x.Conversation, conversation));
        await cut.ClickAsync("Search messages");
        await cut.InvokeAsync(() => cut.FindByLabel("Search").InputAsync("pizza"));
        cut.WaitForAssertion(() => Assert.Equal("1 match", cut.Find("[role=status]").TextContent.Trim()), TestNetwork.Timeout);

        conversation.Add(Line("m9", "more pizza"));

        cut.WaitForAssertion(() => Assert.Equal("2 matches", cut.Find("[role=status]").TextContent.Trim()), TestNetwork.Timeout);
    }

    [Fact]
    public async Task Escape_closes_the_search()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var (agent, conversation) = await ConversationAsync(chat, "hello");
        var cut = chat.Render<SearchPanel>(p => p.Add(x => x.Agent, agent).Add(x => x.Conversation, conversation));
        await cut.ClickAsync("Search messages");

        await cut.InvokeAsync(() => cut.FindByLabel("Search").KeyDownAsync(new KeyboardEventArgs { Key = "Escape" }));

        Assert.Empty(cut.FindAll("[role=search]"));
        Assert.True(cut.HasButton("Search messages"));
    }

    // The broadcast stream of a real agent, with these lines in it (its changes are what the panel follows).
    private static async Task<(PeerAgent Agent, Conversation Conversation)> ConversationAsync(ChatHarness chat, params string[] texts)
    {
        var agent = await chat.JoinAsync("alice", Ct);
        for (var i = 0; i < texts.Length; i++)
        {
            agent.Broadcast.Add(Line($"m{i}", texts[i]));
        }

        return (agent, agent.Broadcast);
    }

    private static ChatMessage Line(string id, string text) =>
        new(id, "bob", text, DateTimeOffset.UtcNow, IsOwn: false, DeliveryState.Delivered);
}
