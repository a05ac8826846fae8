namespace WebPeerBridge.Protocol.Memory;

/// <summary>One trim: the process's memory before and after it, and how long it paused the process.</summary>
public readonly record struct MemoryTrimmed(HeapReading Before, HeapReading After, TimeSpan Pause);
