using WebPeerBridge.Peer.Presence;

namespace WebPeerBridge.Peer.Tests;

public sealed class PresenceBurstsTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Joins_within_the_window_grow_one_burst_that_keeps_three_names_and_a_count()
    {
        var bursts = new PresenceBursts(capacity: 10, window: TimeSpan.FromMinutes(1));

        foreach (var (name, second) in new[] { ("ana", 0), ("bo", 5), ("cy", 10), ("di", 20), ("ed", 59) })
        {
            bursts.Add(joined: true, [name], Start.AddSeconds(second), null);
        }

        var burst = Assert.Single(bursts.Items);
        Assert.Equal(["ana", "bo", "cy"], burst.Names);
        Assert.Equal(5, burst.Count);
        Assert.True(burst.Joined);
    }

    [Fact]
    public void A_leave_a_later_join_or_a_full_list_starts_a_new_burst_and_the_oldest_goes()
    {
        var bursts = new PresenceBursts(capacity: 2, window: TimeSpan.FromMinutes(1));

        bursts.Add(joined: true, ["ana"], Start, null);
        bursts.Add(joined: false, ["bo"], Start.AddSeconds(1), "timeout");
        bursts.Add(joined: false, ["cy"], Start.AddMinutes(5), null);

        Assert.Equal([(false, 1, "timeout"), (false, 1, (string?)null)], bursts.Items.Select(b => (b.Joined, b.Count, b.Reason)));
        Assert.Equal(["bo", "cy"], bursts.Items.SelectMany(b => b.Names));
    }
}
