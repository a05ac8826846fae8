namespace WebPeerBridge.Protocol.Memory;

/// <summary>
/// Gives back the memory a burst left behind once the process is calm again. The garbage collector keeps the young
/// generation it grew to during a burst committed for the next one, and an idle process runs no collection that would
/// release it: after a flood, a server with 2 MB of live objects kept 20 MB committed, and glibc kept the runtime's freed
/// native memory. Every <see cref="MemoryTrimOptions.CheckInterval"/> this reads the allocation rate and the heap (no
/// collection); once the process has been calm for <see cref="MemoryTrimOptions.CalmPeriod"/> after a burst, and the
/// collector holds far more than the live heap or the resident set grew since the last trim, it runs one aggressive
/// collection (blocking, compacting, decommitting) and, on glibc, <c>malloc_trim</c>. A busy process is never trimmed,
/// a calm one once per burst.
/// </summary>
public sealed class IdleMemoryTrimmer : IAsyncDisposable
{
    private readonly MemoryTrimOptions _options;
    private readonly TimeProvider _time;
    private readonly IProcessMemory _memory;
    private readonly Action<MemoryTrimmed>? _trimmed;
    private readonly TrimPolicy _policy;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private int _started;

    /// <summary>A trimmer of this process's heap; <paramref name="trimmed"/> hears of each trim (to log it).</summary>
    public IdleMemoryTrimmer(MemoryTrimOptions options, TimeProvider time, Action<MemoryTrimmed>? trimmed = null)
        : this(options, time, ProcessMemory.Instance, trimmed)
    {
    }

    internal IdleMemoryTrimmer(MemoryTrimOptions options, TimeProvider time, IProcessMemory memory, Action<MemoryTrimmed>? trimmed)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _time = time;
        _memory = memory;
        _trimmed = trimmed;
        _policy = new TrimPolicy(options, time);
    }

    /// <summary>Starts the checks (once; nothing when the options say it is off).</summary>
    public void Start()
    {
        if (!_options.Enabled || Interlocked.Exchange(ref _started, 1) != 0)
        {
            return;
        }

        // The timer starts now, not when the loop first runs: no check interval is lost to the thread pool's delay.
        var timer = new PeriodicTimer(_options.CheckInterval, _time);
        _loop = Task.Run(() => RunAsync(timer, _stop.Token));
    }

    /// <summary>Reads the heap once and trims if the policy says so; the loop calls it every check interval.</summary>
    internal MemoryTrimmed? Check()
    {
        var before = _memory.Read();
        var started = _time.GetTimestamp();
        if (!_policy.ShouldTrim(before, started))
        {
            return null;
        }

        _memory.Trim();
        var ended = _time.GetTimestamp();
        var after = _memory.Read();
        _policy.Trimmed(after, ended);
        return new MemoryTrimmed(before, after, _time.GetElapsedTime(started, ended));
    }

    private async Task RunAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        using var owned = timer;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                if (Check() is { } trim)
                {
                    _trimmed?.Invoke(trim);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Stops the checks and waits for the loop; idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
