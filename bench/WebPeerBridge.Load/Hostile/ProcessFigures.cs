using WebPeerBridge.Load.Stats;

namespace WebPeerBridge.Load.Hostile;

/// <summary>One target process's memory before, at the peak of and after the floods, and its CPU time during them.</summary>
internal sealed class ProcessFigures(string name, int pid)
{
    private long _peak;

    public string Name { get; } = name;

    public int Pid { get; } = pid;

    public long Before { get; private set; }

    public long Peak => Interlocked.Read(ref _peak);

    public long After { get; private set; }

    public TimeSpan CpuDuringFloods { get; private set; }

    private TimeSpan _cpuAtStart;

    /// <summary>After <see cref="After"/>, relative to <see cref="Before"/>: 0.1 is 10% more.</summary>
    public double Growth => Before == 0 ? 0 : (After - Before) / (double)Before;

    public void MarkBefore()
    {
        Before = ProcessProbe.ResidentBytes(Pid) ?? 0;
        Interlocked.Exchange(ref _peak, Before);
        _cpuAtStart = ProcessProbe.CpuTime(Pid) ?? TimeSpan.Zero;
    }

    public void Sample()
    {
        var now = ProcessProbe.ResidentBytes(Pid) ?? 0;
        long peak;
        while (now > (peak = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
        {
        }
    }

    public void MarkFloodsOver() => CpuDuringFloods = (ProcessProbe.CpuTime(Pid) ?? TimeSpan.Zero) - _cpuAtStart;

    public void MarkAfter() => After = ProcessProbe.ResidentBytes(Pid) ?? 0;
}
