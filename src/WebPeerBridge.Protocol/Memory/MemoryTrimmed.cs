namespace WebPeerBridge.Protocol.Memory;

/// <summary>
/// One trim: the heap before and after it, the process's resident set before and after it (collector and native
/// allocator together), and how long it paused the process.
/// </summary>
public readonly record struct MemoryTrimmed(HeapReading Before, HeapReading After, long ResidentBefore, long ResidentAfter, TimeSpan Pause);
