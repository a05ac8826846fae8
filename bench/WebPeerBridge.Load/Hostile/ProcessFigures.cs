using WebPeerBridge.Load.Stats;

namespace WebPeerBridge.Load.Hostile;

/// <summary>
/// One target process's memory before the floods, at their peak and after each round of them (once settled), its
/// threads, and its CPU time during the floods.
/// </summary>
internal sealed class ProcessFigures(string name, int pid)
{
    private readonly List<long> _afterRounds = [];
    private readonly List<long> _atFloodsEnd = [];
    private long _peak;
    private TimeSpan _cpuAtRoundStart;

    public string Name { get; } = name;

    public int Pid { get; } = pid;

    public long Before { get; private set; }

    public long Peak => Interlocked.Read(ref _peak);

    /// <summary>Resident memory once settled after each round of floods.</summary>
    public IReadOnlyList<long> AfterRounds => _afterRounds;

    /// <summary>Resident memory the moment each round's floods ended (and the honest traffic was delivered), before settling.</summary>
    public IReadOnlyList<long> AtFloodsEnd => _atFloodsEnd;

    public long After => _afterRounds.Count > 0 ? _afterRounds[^1] : 0;

    public TimeSpan CpuDuringFloods { get; private set; }

    public int ThreadsBefore { get; private set; }

    public int ThreadsAfter { get; private set; }

    /// <summary>After the last round relative to before the first: 0.1 is 10% more.</summary>
    public double Growth => Before == 0 ? 0 : (After - Before) / (double)Before;

    /// <summary>
    /// After the last round relative to after the first: what repeating the floods adds once the runtime has sized its
    /// heap for them (a first burst grows the GC's young generation to its budget, which it keeps for the next one).
    /// </summary>
    public double GrowthAfterFirstRound => _afterRounds.Count < 2 || _afterRounds[0] == 0 ? 0 : (After - _afterRounds[0]) / (double)_afterRounds[0];

    public void MarkBefore()
    {
        Before = ProcessProbe.ResidentBytes(Pid) ?? 0;
        ThreadsBefore = ProcessProbe.Threads(Pid) ?? 0;
        Interlocked.Exchange(ref _peak, Before);
    }

    public void MarkRoundStart() => _cpuAtRoundStart = ProcessProbe.CpuTime(Pid) ?? TimeSpan.Zero;

    public void Sample()
    {
        var now = ProcessProbe.ResidentBytes(Pid) ?? 0;
        long peak;
        while (now > (peak = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
        {
        }
    }

    public void MarkFloodsOver()
    {
        CpuDuringFloods += (ProcessProbe.CpuTime(Pid) ?? TimeSpan.Zero) - _cpuAtRoundStart;
        _atFloodsEnd.Add(ProcessProbe.ResidentBytes(Pid) ?? 0);
    }

    public void MarkSettled()
    {
        _afterRounds.Add(ProcessProbe.ResidentBytes(Pid) ?? 0);
        ThreadsAfter = ProcessProbe.Threads(Pid) ?? 0;
    }
}
