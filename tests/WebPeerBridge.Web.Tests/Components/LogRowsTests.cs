using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Web.Components.Chat;

namespace WebPeerBridge.Web.Tests.Components;

public sealed class LogRowsTests
{
    [Fact]
    public void While_the_reader_follows_the_newest_rows_grow_to_twice_the_minimum_then_half_go_to_the_virtualizer_at_once()
    {
        var rows = new LogRows();
        Add(rows, 2 * LogRows.NewestRendered - 1);
        Assert.Equal(0, rows.NewestStart);

        Add(rows, 1);

        Assert.Equal(LogRows.NewestRendered, rows.NewestStart);
        Assert.Equal(LogRows.NewestRendered, rows.Older.Count);
        Assert.Equal("line 0", rows.Older[0].Message!.Text);
    }

    [Fact]
    public void While_the_reader_is_scrolled_up_the_newest_rows_stay_where_they_are_up_to_a_bound()
    {
        var rows = new LogRows();
        Add(rows, LogRows.NewestRenderedAtMost - 1, following: false);
        Assert.Equal(0, rows.NewestStart);

        Add(rows, 1, following: false);

        Assert.Equal(0, rows.NewestStart);
        Add(rows, 1, following: false);
        Assert.Equal(1, rows.NewestStart);
    }

    [Fact]
    public void A_new_row_renews_only_the_block_it_lands_in()
    {
        var rows = new LogRows();
        Add(rows, LogRows.LinesPerBlock + 1);
        var (firstKey, first) = rows.BlockAt(0);
        var (lastKey, last) = rows.BlockAt(LogRows.LinesPerBlock);

        Add(rows, 1);

        Assert.Same(first, rows.BlockAt(0).Rows);
        var (key, renewed) = rows.BlockAt(LogRows.LinesPerBlock);
        Assert.Equal(lastKey, key);
        Assert.NotSame(last, renewed);
        Assert.Equal(["line 10", "line 11"], renewed.Select(r => r.Message!.Text));
        Assert.NotEqual(firstKey, lastKey);
    }

    [Fact]
    public void A_changed_row_renews_its_block_and_an_older_one_tells_the_virtualizer()
    {
        var rows = new LogRows();
        Add(rows, 2 * LogRows.NewestRendered + 5);
        var olderVersion = rows.OlderVersion;
        var newest = rows.BlockAt(rows.NewestStart).Rows;

        rows.Replace(rows.NewestStart, rows[rows.NewestStart].With(rows[rows.NewestStart].Message! with { State = DeliveryState.Delivered }));

        Assert.NotSame(newest, rows.BlockAt(rows.NewestStart).Rows);
        Assert.Equal(olderVersion, rows.OlderVersion);
        rows.Replace(0, rows[0].With(rows[0].Message! with { State = DeliveryState.Delivered }));
        Assert.NotEqual(olderVersion, rows.OlderVersion);
    }

    [Fact]
    public void Removing_the_oldest_rows_keeps_the_newest_ones_and_their_blocks()
    {
        var rows = new LogRows();
        Add(rows, 2 * LogRows.NewestRendered);
        var start = rows.NewestStart;
        var block = rows.BlockAt(start).Rows;

        rows.RemoveAt(0);

        Assert.Equal(start - 1, rows.NewestStart);
        Assert.Same(block, rows.BlockAt(rows.NewestStart).Rows);
    }

    private static void Add(LogRows rows, int count, bool following = true)
    {
        for (var i = 0; i < count; i++)
        {
            var n = rows.Count;
            rows.Add(LineView.For(new ChatMessage($"m-{n}", "bob", $"line {n}", DateTimeOffset.UnixEpoch, IsOwn: false, DeliveryState.None), null, false,
                TimeZoneInfo.Utc));
            rows.KeepNewestRendered(following);
        }
    }
}
