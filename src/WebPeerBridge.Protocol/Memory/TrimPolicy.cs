namespace WebPeerBridge.Protocol.Memory;

/// <summary>
/// Decides from successive readings whether to trim now: the process has been calm for
/// <see cref="MemoryTrimOptions.CalmPeriod"/>, it allocated a burst's worth since the last trim, and the collector holds
/// far more committed memory than the live heap needs. No clock of its own: each reading comes with its timestamp.
/// </summary>
internal sealed class TrimPolicy(MemoryTrimOptions options, TimeProvider time)
{
    private long? _lastTimestamp;
    private long _lastAllocated;
    private long? _calmSince;
    private long _allocatedAtLastTrim;

    public bool ShouldTrim(HeapReading reading, long timestamp)
    {
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

        var surplus = reading.CommittedBytes - reading.LiveBytes;
        return reading.AllocatedBytes - _allocatedAtLastTrim >= options.MinSurplusBytes
            && surplus >= options.MinSurplusBytes
            && reading.CommittedBytes >= options.MinCommittedToLiveRatio * reading.LiveBytes;
    }

    /// <summary>Called with the reading after a trim: the next one needs a new burst's allocations.</summary>
    public void Trimmed(HeapReading after, long timestamp)
    {
        _allocatedAtLastTrim = after.AllocatedBytes;
        Remember(after, timestamp);
    }

    private void Remember(HeapReading reading, long timestamp)
    {
        _lastTimestamp = timestamp;
        _lastAllocated = reading.AllocatedBytes;
    }
}
