using Microsoft.Extensions.Time.Testing;
using WebPeerBridge.Protocol.Limits;

namespace WebPeerBridge.Protocol.Tests;

/// <summary>The two small limit helpers every part uses: once per key and minute, and a count per key and minute.</summary>
public sealed class IntervalLimitTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public void Once_per_interval_says_yes_once_per_key_until_the_interval_has_passed()
    {
        var once = new OncePerInterval<string>(TimeSpan.FromMinutes(1), _time);

        Assert.True(once.TryEnter("10.0.0.1"));
        Assert.False(once.TryEnter("10.0.0.1"));
        Assert.True(once.TryEnter("10.0.0.2"));
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(once.TryEnter("10.0.0.1"));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(once.TryEnter("10.0.0.1"));
    }

    [Fact]
    public void Once_per_interval_full_of_fresh_keys_forgets_them_rather_than_grow()
    {
        var once = new OncePerInterval<int>(TimeSpan.FromMinutes(1), _time, maxKeys: 4);
        for (var key = 0; key < 4; key++)
        {
            Assert.True(once.TryEnter(key));
        }

        // A fifth key makes room by forgetting the others: a host with many addresses costs a log line, not memory.
        Assert.True(once.TryEnter(4));
        Assert.True(once.TryEnter(0));
    }

    [Fact]
    public void Count_per_interval_admits_max_per_key_and_window_and_counts_nothing_refused()
    {
        var count = new CountPerInterval<string>(TimeSpan.FromMinutes(1), _time);

        Assert.True(count.TryCount("a", 2));
        Assert.True(count.TryCount("a", 2));
        Assert.False(count.TryCount("a", 2));
        Assert.True(count.TryCount("b", 2));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(count.TryCount("a", 2));
        Assert.True(count.TryCount("a", 2));
        Assert.False(count.TryCount("a", 2));
    }

    [Fact]
    public void Count_per_interval_forgets_passed_windows_first_when_full()
    {
        var count = new CountPerInterval<int>(TimeSpan.FromMinutes(1), _time, maxKeys: 2);
        Assert.True(count.TryCount(1, 1));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(count.TryCount(2, 1));

        // Key 1's window has passed: it is the one forgotten, key 2 keeps its count.
        Assert.True(count.TryCount(3, 1));
        Assert.False(count.TryCount(2, 1));
    }
}
