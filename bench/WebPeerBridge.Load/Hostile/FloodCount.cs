namespace WebPeerBridge.Load.Hostile;

/// <summary>What one flood did: attempts, and how the target answered them. Updated from many loops at once.</summary>
internal sealed class FloodCount(string target, string what)
{
    private long _attempts;
    private long _refused;
    private long _accepted;
    private long _failed;

    public string Target { get; } = target;

    public string What { get; } = what;

    public long Attempts => Interlocked.Read(ref _attempts);

    /// <summary>Closed at once, <c>too_many</c>, HTTP 429: the target said no.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Taken by the target (a registration, a held connection, HTTP 200).</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Could not even connect, or an answer this tool did not expect.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    public void Attempt() => Interlocked.Increment(ref _attempts);

    public void Refuse() => Interlocked.Increment(ref _refused);

    public void Accept() => Interlocked.Increment(ref _accepted);

    public void Fail() => Interlocked.Increment(ref _failed);
}
