using Bunit;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Web.Components.Chat;
using WebPeerBridge.Web.Tests.Support;

namespace WebPeerBridge.Web.Tests.Components;

public sealed class MentionsMenuTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_mentions_list_gathers_lines_with_my_name_and_a_click_jumps_to_one()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        (string Key, string Id)? jumped = null;
        var cut = chat.Render<MentionsMenu>(p => p.Add(x => x.Agent, alice).Add(x => x.OnJump, target => jumped = target));
        Assert.NotNull(cut.Find("[aria-label='Mentions']"));

        var sent = await bob.BroadcastAsync("@alice the build is green", Ct);
        await bob.BroadcastAsync("nothing for anyone", Ct);

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[aria-label='Mentions (1)']")), TestNetwork.Timeout);
        Assert.Empty(cut.FindAll("[role=status]")); // the app bar's one status is the link state
        await cut.Find("[aria-label='Mentions (1)']").ClickAsync(new());
        var entry = chat.Popovers.Find("[role=dialog][aria-label='Mentions'] li[aria-label='bob in Everyone']");
        Assert.Contains("@alice the build is green", entry.TextContent, StringComparison.Ordinal);
        Assert.NotNull(entry.QuerySelector("time"));
        Assert.DoesNotContain("nothing for anyone", chat.Popovers.Markup, StringComparison.Ordinal);

        await chat.Popovers.Find("[aria-label=\"Go to bob's line in Everyone: @alice the build is green\"]").ClickAsync(new());

        var id = alice.Broadcast.Snapshot().Single(m => m.Text == "@alice the build is green").Id;
        Assert.Equal((Conversation.BroadcastKey, id), jumped);
        _ = sent;
    }

    [Fact]
    public async Task Mentions_can_be_dismissed_one_at_a_time_or_all_at_once()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<MentionsMenu>(p => p.Add(x => x.Agent, alice));
        await bob.BroadcastAsync("alice one", Ct);
        await bob.BroadcastAsync("alice two", Ct);
        await bob.BroadcastAsync("alice three", Ct);
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[aria-label='Mentions (3)']")), TestNetwork.Timeout);
        await cut.Find("[aria-label='Mentions (3)']").ClickAsync(new());

        await chat.Popovers.FindAll("[aria-label='Dismiss the mention from bob']")[0].ClickAsync(new());

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[aria-label='Mentions (2)']")), TestNetwork.Timeout);
        chat.Popovers.WaitForAssertion(() => Assert.DoesNotContain("alice three", chat.Popovers.Markup, StringComparison.Ordinal));
        Assert.Contains("alice one", chat.Popovers.Markup, StringComparison.Ordinal);

        await chat.Popovers.FindButton("Dismiss all").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[aria-label='Mentions']")), TestNetwork.Timeout);
        chat.Popovers.WaitForAssertion(() => Assert.Contains("Nobody has mentioned you yet", chat.Popovers.Markup, StringComparison.Ordinal));
        Assert.Empty(alice.Mentions);
    }
}
