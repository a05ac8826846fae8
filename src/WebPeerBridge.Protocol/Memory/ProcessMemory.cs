using System.Runtime.InteropServices;

namespace WebPeerBridge.Protocol.Memory;

/// <summary>This process's garbage collector and, on Linux with glibc, its native allocator.</summary>
internal sealed partial class ProcessMemory : IProcessMemory
{
    private bool _nativeTrim = OperatingSystem.IsLinux();

    public static ProcessMemory Instance { get; } = new();

    public HeapReading Read()
    {
        var info = GC.GetGCMemoryInfo();
        // Environment.WorkingSet reads /proc on Linux: ~60 µs, every check interval.
        return new HeapReading(GC.GetTotalAllocatedBytes(precise: false), info.TotalCommittedBytes, info.HeapSizeBytes - info.FragmentedBytes,
            Environment.WorkingSet);
    }

    public void Trim()
    {
        // Aggressive (blocking, compacting, every generation) is the one mode in which the collector also decommits the
        // free regions it keeps for the next allocations: the resident set goes back, not only the heap.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        // The burst's dead sockets and handles free their native memory in finalizers: let them run before the native trim.
        GC.WaitForPendingFinalizers();
        TrimNative();
    }

    // The runtime's own native allocations during a burst (the JIT's scratch memory, sockets' state) are freed into
    // glibc's arenas, which return only their top to the system: after a flood 5–13 MB of free pages stayed resident in
    // each program. malloc_trim gives back every free page of every arena. Other C libraries (musl) have no such call.
    private void TrimNative()
    {
        if (!_nativeTrim)
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            _nativeTrim = false;
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
