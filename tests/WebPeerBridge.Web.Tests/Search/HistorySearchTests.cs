using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Web.Components.Chat.Search;

namespace WebPeerBridge.Web.Tests.Search;

public sealed class HistorySearchTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Finds_the_lines_people_wrote_that_hold_the_query_ignoring_case_newest_first()
    {
        ChatMessage[] lines =
        [
            Line("1", "bob", "Lunch at noon?"),
            Line("2", "carol", "no thanks"),
            Line("3", "carol", "lunch joined", ChatMessageKind.System),
            Line("4", "alice", "LUNCH is fine, lunch!"),
        ];

        var (hits, total) = HistorySearch.Find(lines, " lunch ", limit: 10);

        Assert.Equal(2, total);
        Assert.Equal(["4", "1"], hits.Select(h => h.Message.Id));
        Assert.Equal([3, 0], hits.Select(h => h.Index));
        Assert.Equal(
            [new TextPart("LUNCH", true), new TextPart(" is fine, ", false), new TextPart("lunch", true), new TextPart("!", false)],
            hits[0].Parts);
    }

    [Fact]
    public void An_empty_query_finds_nothing()
    {
        var (hits, total) = HistorySearch.Find([Line("1", "bob", "hello")], "  ", limit: 10);

        Assert.Empty(hits);
        Assert.Equal(0, total);
    }

    [Fact]
    public void At_most_the_limit_is_returned_but_every_match_is_counted()
    {
        var lines = Enumerable.Range(0, 30).Select(i => Line($"{i}", "bob", $"ping {i}")).ToList();

        var (hits, total) = HistorySearch.Find(lines, "ping", limit: 5);

        Assert.Equal(30, total);
        Assert.Equal(["29", "28", "27", "26", "25"], hits.Select(h => h.Message.Id));
    }

    private static ChatMessage Line(string id, string from, string text, ChatMessageKind kind = ChatMessageKind.Chat) =>
        new(id, from, text, At, IsOwn: from == "alice", DeliveryState.Delivered, kind);
}
