namespace WebPeerBridge.Load.Fanout;

/// <summary>
/// What one receiver saw during one send phase: latencies of the broadcasts it got, in order per sender.
/// Written only by that receiver's read loop; read by the runner through the volatile counters, and wholly after the phase.
/// </summary>
internal sealed class PhaseRecorder
{
    private readonly long[] _latencies;
    private readonly int[] _lastNumber;
    private int _count;
    private int _outOfOrder;
    private long _lastAt;

    public PhaseRecorder(int expected, int senders)
    {
        _latencies = new long[expected];
        _lastNumber = new int[senders];
        Array.Fill(_lastNumber, -1);
    }

    public int Expected => _latencies.Length;

    /// <summary>Broadcasts received once and in order.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Broadcasts received twice, out of order, or from no sender of this phase.</summary>
    public int OutOfOrder => Volatile.Read(ref _outOfOrder);

    /// <summary>Stopwatch timestamp of the last broadcast received.</summary>
    public long LastAt => Volatile.Read(ref _lastAt);

    public ReadOnlySpan<long> Latencies => _latencies.AsSpan(0, Count);

    public void Record(int sender, int number, long sentAt, long receivedAt)
    {
        if ((uint)sender >= (uint)_lastNumber.Length || number <= _lastNumber[sender] || _count == _latencies.Length)
        {
            Volatile.Write(ref _outOfOrder, _outOfOrder + 1);
            return;
        }

        _lastNumber[sender] = number;
        _latencies[_count] = receivedAt - sentAt;
        Volatile.Write(ref _lastAt, receivedAt);
        Volatile.Write(ref _count, _count + 1);
    }
}
