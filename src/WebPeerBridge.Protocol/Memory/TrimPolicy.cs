namespace WebPeerBridge.Protocol.Memory;

/// <summary>
/// Decides from successive readings whether to trim now: the process has been calm for
/// <see cref="MemoryTrimOptions.CalmPeriod"/>, it allocated a burst's worth since the last trim, its live heap is small
/// enough to collect in a short pause, and there is something to give back: the collector holds far more committed
/// memory than the live heap needs, or the resident set grew since the last trim (or since the first reading). No clock
/// of its own: each reading comes with its timestamp.
/// </summary>
internal sealed class TrimPolicy(MemoryTrimOptions options, TimeProvider time)
{
    private long? _lastTimestamp;
    private long _lastAllocated;
    private long? _calmSince;
    private long _allocatedAtLastTrim;
    private long? _residentAtLastTrim;

    public bool ShouldTrim(HeapReading reading, long timestamp)
    {
        _residentAtLastTrim ??= reading.ResidentBytes;
        if (_lastTimestamp is not { } last)
        {
            Remember(reading, timestamp);
            return false;
        }

        var elapsed = time.GetElapsedTime(last, timestamp);
        var allocated = reading.AllocatedBytes - _lastAllocated;
        Remember(reading, timestamp);
        if (elapsed <= TimeSpan.Zero || allocated > options.CalmAllocationBytesPerSecond * elapsed.TotalSeconds)
        {
            _calmSince = null;
            return false;
        }

        // The interval that just ended was calm: the calm began with it.
        _calmSince ??= last;
        if (time.GetElapsedTime(_calmSince.Value, timestamp) < options.CalmPeriod)
        {
            return false;
        }

        return reading.AllocatedBytes - _allocatedAtLastTrim >= options.MinSurplusBytes
            && reading.LiveBytes <= options.MaxLiveBytes
            && (reading.CommittedBytes - reading.LiveBytes >= options.MinSurplusBytes
                || reading.ResidentBytes - _residentAtLastTrim >= options.MinSurplusBytes);
    }

    /// <summary>Called with the reading after a trim: the next one needs a new burst's allocations.</summary>
    public void Trimmed(HeapReading after, long timestamp)
    {
        _allocatedAtLastTrim = after.AllocatedBytes;
        _residentAtLastTrim = after.ResidentBytes;
        Remember(after, timestamp);
    }

    private void Remember(HeapReading reading, long timestamp)
    {
        _lastTimestamp = timestamp;
        _lastAllocated = reading.AllocatedBytes;
    }
}
