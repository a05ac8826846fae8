using WebPeerBridge.Peer.Mentions;

namespace WebPeerBridge.Peer.Tests;

public sealed class MentionRulesTests
{
    [Theory]
    [InlineData("alice, lunch?")]
    [InlineData("lunch, ALICE?")]
    [InlineData("@alice")]
    [InlineData("ask alice.")]
    [InlineData("(alice) says hi")]
    public void A_line_with_the_name_as_a_word_mentions_it(string text) => Assert.True(MentionRules.Mentions(text, "alice"));

    [Theory]
    [InlineData("alicia is late")]
    [InlineData("malice aforethought")]
    [InlineData("alice_bot is a bot")]
    [InlineData("see alice-2")]
    [InlineData("")]
    public void A_line_with_the_name_inside_another_word_does_not(string text) => Assert.False(MentionRules.Mentions(text, "alice"));

    [Fact]
    public void A_later_whole_word_counts_after_an_earlier_part_of_a_word() =>
        Assert.True(MentionRules.Mentions("alicia told alice", "alice"));
}
