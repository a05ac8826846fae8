using Microsoft.Extensions.Time.Testing;
using WebPeerBridge.Protocol.Memory;

namespace WebPeerBridge.Protocol.Tests;

/// <summary>
/// The idle memory trimmer: a calm process gives back what a burst left committed, once per burst; a busy one, one with
/// little to give back, or one with a big live heap is left alone.
/// </summary>
public sealed class IdleMemoryTrimmerTests
{
    private const long Megabyte = 1024 * 1024;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly FakeMemory _memory = new();
    private readonly MemoryTrimOptions _options = new();

    [Fact]
    public void A_calm_process_after_a_burst_is_trimmed_once()
    {
        var trimmer = NewTrimmer();
        Burst(trimmer, committed: 20 * Megabyte, live: 2 * Megabyte);

        var trims = Calm(trimmer, _options.CalmPeriod + _options.CheckInterval);

        var trim = Assert.Single(trims);
        Assert.Equal(20 * Megabyte, trim.Before.CommittedBytes);
        Assert.Equal(2 * Megabyte, trim.After.CommittedBytes);
        Assert.True(trim.After.ResidentBytes < trim.Before.ResidentBytes);
        Assert.Empty(Calm(trimmer, TimeSpan.FromMinutes(10)));
        Assert.Equal(1, _memory.Trims);
    }

    [Fact]
    public void Calm_must_last_the_whole_calm_period()
    {
        var trimmer = NewTrimmer();
        Burst(trimmer, committed: 20 * Megabyte, live: 2 * Megabyte);

        Assert.Empty(Calm(trimmer, _options.CalmPeriod - _options.CheckInterval));
        // One busy interval starts the calm over.
        Burst(trimmer, committed: 20 * Megabyte, live: 2 * Megabyte, checks: 1);
        Assert.Empty(Calm(trimmer, _options.CalmPeriod - _options.CheckInterval));
        Assert.Single(Calm(trimmer, _options.CheckInterval * 2));
    }

    [Fact]
    public void A_busy_process_is_never_trimmed()
    {
        var trimmer = NewTrimmer();

        Burst(trimmer, committed: 40 * Megabyte, live: 2 * Megabyte, checks: 100);

        Assert.Equal(0, _memory.Trims);
    }

    [Fact]
    public void A_steady_trickle_below_the_calm_rate_counts_as_calm()
    {
        var trimmer = NewTrimmer();
        Burst(trimmer, committed: 20 * Megabyte, live: 2 * Megabyte);

        var perCheck = (long)(_options.CalmAllocationBytesPerSecond * _options.CheckInterval.TotalSeconds) - 1;
        var trims = Calm(trimmer, _options.CalmPeriod + _options.CheckInterval, allocatedPerCheck: perCheck);

        Assert.Single(trims);
    }

    [Fact]
    public void A_small_surplus_is_left_alone()
    {
        var trimmer = NewTrimmer();
        Burst(trimmer, committed: 2 * Megabyte + _options.MinSurplusBytes - 1, live: 2 * Megabyte);

        Assert.Empty(Calm(trimmer, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void A_big_live_heap_is_left_alone()
    {
        // A bridge holding 1,000 sessions: a full compacting collection of 300 MB is a long pause for its headroom.
        var trimmer = NewTrimmer();
        Burst(trimmer, committed: 400 * Megabyte, live: 300 * Megabyte);

        Assert.Empty(Calm(trimmer, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void Native_memory_a_burst_left_resident_is_given_back_too()
    {
        // The collector already shrank its heap, but the resident set grew by the native memory the runtime freed.
        var trimmer = NewTrimmer();
        _memory.Native = 0;
        Calm(trimmer, _options.CheckInterval);
        Burst(trimmer, committed: 6 * Megabyte, live: 4 * Megabyte);
        _memory.Native = _options.MinSurplusBytes;

        var trim = Assert.Single(Calm(trimmer, _options.CalmPeriod + _options.CheckInterval));
        Assert.Equal(FakeMemory.Resident(4 * Megabyte, native: 0), trim.After.ResidentBytes);
    }

    [Fact]
    public void Resident_growth_below_the_surplus_is_left_alone()
    {
        var trimmer = NewTrimmer();
        _memory.Native = 0;
        Calm(trimmer, _options.CheckInterval);
        Burst(trimmer, committed: 6 * Megabyte, live: 4 * Megabyte);
        _memory.Native = _options.MinSurplusBytes - 7 * Megabyte;

        Assert.Empty(Calm(trimmer, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void A_new_burst_after_a_trim_is_trimmed_again()
    {
        var trimmer = NewTrimmer();
        Burst(trimmer, committed: 20 * Megabyte, live: 2 * Megabyte);
        Assert.Single(Calm(trimmer, _options.CalmPeriod + _options.CheckInterval));

        Burst(trimmer, committed: 25 * Megabyte, live: 3 * Megabyte);

        var trim = Assert.Single(Calm(trimmer, _options.CalmPeriod + _options.CheckInterval));
        Assert.Equal(25 * Megabyte, trim.Before.CommittedBytes);
        Assert.Equal(2, _memory.Trims);
    }

    [Fact]
    public void Surplus_that_no_new_allocation_made_is_not_trimmed_twice()
    {
        // Committed memory that an aggressive collection cannot give back (pinned buffers, say) must not make the
        // trimmer collect at every check of a calm process.
        var trimmer = NewTrimmer();
        Burst(trimmer, committed: 20 * Megabyte, live: 2 * Megabyte);
        _memory.CommittedAfterTrim = 15 * Megabyte;
        Assert.Single(Calm(trimmer, _options.CalmPeriod + _options.CheckInterval));

        Assert.Empty(Calm(trimmer, TimeSpan.FromMinutes(10)));
        Assert.Equal(1, _memory.Trims);
    }

    [Fact]
    public async Task The_trimmer_checks_on_its_own_timer_and_reports_each_trim()
    {
        var trimmed = new TaskCompletionSource<MemoryTrimmed>(TaskCreationOptions.RunContinuationsAsynchronously);
        var checkedOnce = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _memory.OnRead = () => checkedOnce.TrySetResult();
        await using var trimmer = new IdleMemoryTrimmer(_options, _time, _memory, trim => trimmed.TrySetResult(trim));
        _memory.Allocated = 100 * Megabyte;
        _memory.Committed = 20 * Megabyte;
        _memory.Live = 2 * Megabyte;

        trimmer.Start();
        // Each tick reads once; advance only after the loop took its reading, so that no tick is merged with the next.
        for (var elapsed = TimeSpan.Zero; !trimmed.Task.IsCompleted && elapsed < _options.CalmPeriod * 3; elapsed += _options.CheckInterval)
        {
            _time.Advance(_options.CheckInterval);
            await checkedOnce.Task.WaitAsync(s_timeout, TestContext.Current.CancellationToken);
            checkedOnce = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _memory.OnRead = () => checkedOnce.TrySetResult();
        }

        var trim = await trimmed.Task.WaitAsync(s_timeout, TestContext.Current.CancellationToken);
        Assert.Equal(20 * Megabyte, trim.Before.CommittedBytes);
        Assert.Equal(1, _memory.Trims);
    }

    [Fact]
    public async Task A_trimmer_turned_off_never_reads_the_heap()
    {
        _options.Enabled = false;
        await using var trimmer = new IdleMemoryTrimmer(_options, _time, _memory, null);

        trimmer.Start();
        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(0, _memory.Reads);
    }

    [Fact]
    public async Task Disposing_stops_the_checks_and_can_be_repeated()
    {
        var trimmer = new IdleMemoryTrimmer(_options, _time, _memory, null);
        trimmer.Start();

        await trimmer.DisposeAsync();
        await trimmer.DisposeAsync();
        var reads = _memory.Reads;
        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(reads, _memory.Reads);
    }

    [Fact]
    public void The_process_itself_can_be_read_and_trimmed()
    {
        var before = ProcessMemory.Instance.Read();
        ProcessMemory.Instance.Trim();
        var after = ProcessMemory.Instance.Read();

        Assert.True(before.AllocatedBytes > 0);
        Assert.True(after.CommittedBytes >= after.LiveBytes);
        Assert.True(after.LiveBytes > 0);
        Assert.True(after.ResidentBytes > 0);
    }

    private IdleMemoryTrimmer NewTrimmer() => new(_options, _time, _memory, null);

    // Checks at the check interval while the process allocates far above the calm rate.
    private void Burst(IdleMemoryTrimmer trimmer, long committed, long live, int checks = 3)
    {
        _memory.Committed = committed;
        _memory.Live = live;
        for (var i = 0; i < checks; i++)
        {
            _memory.Allocated += 50 * Megabyte;
            _time.Advance(_options.CheckInterval);
            trimmer.Check();
        }
    }

    private List<MemoryTrimmed> Calm(IdleMemoryTrimmer trimmer, TimeSpan duration, long allocatedPerCheck = 1024)
    {
        var trims = new List<MemoryTrimmed>();
        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += _options.CheckInterval)
        {
            _memory.Allocated += allocatedPerCheck;
            _time.Advance(_options.CheckInterval);
            if (trimmer.Check() is { } trim)
            {
                trims.Add(trim);
            }
        }

        return trims;
    }

    private sealed class FakeMemory : IProcessMemory
    {
        private int _reads;

        public long Allocated { get; set; } = 10 * Megabyte;

        public long Committed { get; set; }

        public long Live { get; set; }

        /// <summary>Native memory the process holds beside its heap; a trim gives it back.</summary>
        public long Native { get; set; }

        /// <summary>What committed memory a trim leaves; by default, the live heap.</summary>
        public long? CommittedAfterTrim { get; set; }

        public int Trims { get; private set; }

        public int Reads => Volatile.Read(ref _reads);

        public Action? OnRead { get; set; }

        public HeapReading Read()
        {
            Interlocked.Increment(ref _reads);
            var reading = new HeapReading(Allocated, Committed, Live, Resident(Committed, Native));
            OnRead?.Invoke();
            return reading;
        }

        public static long Resident(long committed, long native) => 60 * Megabyte + committed + native;

        public void Trim()
        {
            Trims++;
            Committed = CommittedAfterTrim ?? Live;
            Native = 0;
        }
    }
}
