using System.Collections.Concurrent;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using WebPeerBridge.Web.Components.Chat;
using WebPeerBridge.Web.Tests.Support;

namespace WebPeerBridge.Web.Tests.Components;

/// <summary>What renders when a broadcast line arrives (the web app's CPU per line, with many tabs open, depends on it).</summary>
public sealed class RenderScopeTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_broadcast_line_renders_the_log_and_its_last_block_and_nothing_else_on_the_page()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var renders = RenderCounts.CountIn(chat.Context);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<ChatShell>(p => p.Add(x => x.Agent, alice));
        for (var i = 1; i <= LogRows.LinesPerBlock + 2; i++)
        {
            await bob.BroadcastAsync($"earlier line {i}", Ct);
        }

        // Everything before has been shown (the agent's changes come in order, and so do the renders they ask for).
        cut.WaitForAssertion(() => Assert.Contains($"earlier line {LogRows.LinesPerBlock + 2}", cut.LogText(), StringComparison.Ordinal), TestNetwork.Timeout);
        cut.WaitForAssertion(() => cut.FindButton("Message bob"), TestNetwork.Timeout);
        Assert.Equal(2, cut.FindComponents<LogBlock>().Count);
        var before = renders.Snapshot();

        await bob.BroadcastAsync("news", Ct);

        cut.WaitForAssertion(() => Assert.Contains("news", cut.LogText(), StringComparison.Ordinal), TestNetwork.Timeout);
        // The log, for its new row; the block the row lands in; the row. Not the older block, the other rows, the header,
        // the people, the conversations, the app bar's parts, the composer or the search.
        Assert.Equal(["LogBlock 1", "MessageLine 1", "MessageLog 1"], renders.Since(before));
    }

    /// <summary>
    /// Counts how often the page's components render, by substituting each with a subclass that counts its own render
    /// (Blazor calls BuildRenderTree once per render of that component, not for its children's).
    /// </summary>
    private sealed class RenderCounts
    {
        private readonly ConcurrentQueue<string> _rendered = new();

        public static RenderCounts CountIn(BunitContext context)
        {
            var counts = new RenderCounts();
            context.ComponentFactories.Add(t => Substitutes.ContainsKey(t), t =>
            {
                var component = (ICounted)Activator.CreateInstance(Substitutes[t])!;
                component.Counts = counts;
                return component;
            });
            return counts;
        }

        public int Snapshot() => _rendered.Count;

        /// <summary>The components that rendered since <paramref name="snapshot"/>, sorted, each with how often: "LogBlock 1".</summary>
        public IEnumerable<string> Since(int snapshot) => _rendered.Skip(snapshot).CountBy(n => n)
            .Select(c => $"{c.Key} {c.Value}").Order(StringComparer.Ordinal);

        public void Rendered(string name) => _rendered.Enqueue(name);
    }

    private interface ICounted : IComponent
    {
        RenderCounts? Counts { set; }
    }

    private static readonly Dictionary<Type, Type> Substitutes = new()
    {
        [typeof(ChatShell)] = typeof(CountedChatShell),
        [typeof(ConversationView)] = typeof(CountedConversationView),
        [typeof(PeerList)] = typeof(CountedPeerList),
        [typeof(ConversationList)] = typeof(CountedConversationList),
        [typeof(MentionsMenu)] = typeof(CountedMentionsMenu),
        [typeof(LinkStateChip)] = typeof(CountedLinkStateChip),
        [typeof(StatusBanner)] = typeof(CountedStatusBanner),
        [typeof(Composer)] = typeof(CountedComposer),
        [typeof(SearchPanel)] = typeof(CountedSearchPanel),
        [typeof(MessageLog)] = typeof(CountedMessageLog),
        [typeof(OlderLines)] = typeof(CountedOlderLines),
        [typeof(LogBlock)] = typeof(CountedLogBlock),
        [typeof(MessageLine)] = typeof(CountedMessageLine),
        [typeof(QuietLineView)] = typeof(CountedQuietLineView),
    };

    private sealed class CountedChatShell : ChatShell, ICounted
    {
        public RenderCounts? Counts { private get; set; }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            Counts?.Rendered(nameof(ChatShell));
            base.BuildRenderTree(builder);
        }
    }

    private sealed class CountedConversationView : ConversationView, ICounted
    {
        public RenderCounts? Counts { private get; set; }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            Counts?.Rendered(nameof(ConversationView));
            base.BuildRenderTree(builder);
        }
    }

    private sealed class CountedPeerList : PeerList, ICounted
    {
        public RenderCounts? Counts { private get; set; }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            Counts?.Rendered(nameof(PeerList));
            base.BuildRenderTree(builder);
        }
    }

    private sealed class CountedConversationList : ConversationList, ICounted
    {
        public RenderCounts? Counts { private get; set; }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            Counts?.Rendered(nameof(ConversationList));
            base.BuildRenderTree(builder);
        }
    }

    private sealed class CountedMentionsMenu : MentionsMenu, ICounted
    {
        public RenderCounts? Counts { private get; set; }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            Counts?.Rendered(nameof(MentionsMenu));
            base.BuildRenderTree(builder);
        }
    }

    private sealed class CountedLinkStateChip : LinkStateChip, ICounted
    {
        public RenderCounts? Counts { private get; set; }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            Counts?.Rendered(nameof(LinkStateChip));
            base.BuildRenderTree(builder);
        }
    }

    private sealed class CountedStatusBanner : StatusBanner, ICounted
    {
        public RenderCounts? Counts { private get; set; }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            Counts?.Rendered(nameof(StatusBanner));
            base.BuildRenderTree(builder);
        }
    }

    private sealed class CountedComposer : Composer, ICounted
    {
        public RenderCounts? Counts { private get; set; }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            Counts?.Rendered(nameof(Composer));
            base.BuildRenderTree(builder);
        }
    }

    private sealed class CountedSearchPanel : SearchPanel, ICounted
    {
        public RenderCounts? Counts { private get; set; }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            Counts?.Rendered(nameof(SearchPanel));
            base.BuildRenderTree(builder);
        }
    }

    private sealed class CountedMessageLog : MessageLog, ICounted
    {
        public RenderCounts? Counts { private get; set; }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            Counts?.Rendered(nameof(MessageLog));
            base.BuildRenderTree(builder);
        }
    }

    private sealed class CountedOlderLines : OlderLines, ICounted
    {
        public RenderCounts? Counts { private get; set; }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            Counts?.Rendered(nameof(OlderLines));
            base.BuildRenderTree(builder);
        }
    }

    private sealed class CountedLogBlock : LogBlock, ICounted
    {
        public RenderCounts? Counts { private get; set; }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            Counts?.Rendered(nameof(LogBlock));
            base.BuildRenderTree(builder);
        }
    }

    private sealed class CountedMessageLine : MessageLine, ICounted
    {
        public RenderCounts? Counts { private get; set; }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            Counts?.Rendered(nameof(MessageLine));
            base.BuildRenderTree(builder);
        }
    }

    private sealed class CountedQuietLineView : QuietLineView, ICounted
    {
        public RenderCounts? Counts { private get; set; }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            Counts?.Rendered(nameof(QuietLineView));
            base.BuildRenderTree(builder);
        }
    }
}
