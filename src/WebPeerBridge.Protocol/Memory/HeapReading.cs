namespace WebPeerBridge.Protocol.Memory;

/// <summary>
/// What the trimmer reads: bytes allocated since the process started, the collector's committed bytes and live bytes
/// (heap size less fragmentation) as of its last collection, and the process's resident set now.
/// </summary>
public readonly record struct HeapReading(long AllocatedBytes, long CommittedBytes, long LiveBytes, long ResidentBytes);
