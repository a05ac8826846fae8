namespace WebPeerBridge.Protocol.Memory;

/// <summary>The process's memory as the trimmer sees it; tests give a fake.</summary>
internal interface IProcessMemory
{
    HeapReading Read();

    void Trim();
}
