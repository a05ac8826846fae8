using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;

namespace WebPeerBridge.Protocol.Memory;

/// <summary>
/// When a calm process gives back the memory a burst left committed (configuration section <c>MemoryTrim</c>): see
/// <see cref="IdleMemoryTrimmer"/>.
/// </summary>
public sealed class MemoryTrimOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "MemoryTrim";

    // This project is AOT-compatible; a TimeSpan range parses its bounds with TimeSpan's converter, which is intrinsic
    // to the component model and never trimmed away.
    private const string TimeSpanRange = "TimeSpan's converter is intrinsic and kept by the trimmer.";

    /// <summary>Off: the garbage collector alone decides, and an idle process keeps what its last burst grew.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the allocation rate and the heap are read (two cheap calls, no collection).</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = TimeSpanRange)]
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the process must have been calm before it trims.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = TimeSpanRange)]
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CalmPeriod { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>
    /// Calm means allocating less than this per second at every check of <see cref="CalmPeriod"/>; an idle server or
    /// bridge allocates a few KB per second, a classroom chatting a few tens.
    /// </summary>
    [Range(0, 1L << 40)]
    public long CalmAllocationBytesPerSecond { get; set; } = 64 * 1024;

    /// <summary>
    /// Trim only after the process allocated at least this much since the last trim (a new burst), and only when the
    /// collector holds at least this much committed memory beyond the live heap, or the resident set grew by at least
    /// this much since the last trim (native memory the runtime freed, which glibc keeps).
    /// </summary>
    [Range(1024 * 1024, 1L << 40)]
    public long MinSurplusBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// A process whose live heap is bigger than this is never trimmed: a full compacting collection of it would pause
    /// it too long for what it gives back (its headroom is small beside it anyway).
    /// </summary>
    [Range(1024 * 1024, 1L << 40)]
    public long MaxLiveBytes { get; set; } = 128 * 1024 * 1024;
}
