namespace WebPeerBridge.Protocol.Memory;

/// <summary>The process's memory as the trimmer sees it; tests give a fake.</summary>
internal interface IProcessMemory
{
    HeapReading Read();

    /// <summary>The resident set, for the log line of a trim.</summary>
    long ResidentBytes();

    void Trim();
}
