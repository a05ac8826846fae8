namespace WebPeerBridge.Protocol.Memory;

/// <summary>
/// What the trimmer reads: bytes allocated since the process started, and the collector's committed bytes and live bytes
/// (heap size less fragmentation) as of its last collection.
/// </summary>
public readonly record struct HeapReading(long AllocatedBytes, long CommittedBytes, long LiveBytes);
