using System.Net;

namespace WebPeerBridge.Peer.Links;

/// <summary>
/// An open direct link with one peer, whatever its dialect. It reports what it receives and how it ends to its
/// <see cref="IPeerLinkOwner"/>; its read loop cleans up after itself, so <see cref="Completion"/> completing means the
/// socket is closed.
/// </summary>
internal abstract class DirectLink(string peerName, string dialerName, bool isOutgoing, IPEndPoint remoteEndPoint) : IAsyncDisposable
{
    /// <summary>The peer's name (from its hello, or the listed seed peer's name).</summary>
    public string PeerName { get; } = peerName;

    /// <summary>The name of the side that dialed: decides which link stays when both dialed at once.</summary>
    public string DialerName { get; } = dialerName;

    /// <summary>This agent dialed it.</summary>
    public bool IsOutgoing { get; } = isOutgoing;

    public IPEndPoint RemoteEndPoint { get; } = remoteEndPoint;

    /// <summary>The other side closed it on purpose (a <c>bye</c>), rather than the connection dropping.</summary>
    public bool ClosedByPeer { get; protected set; }

    /// <summary>
    /// The peer proved over TLS that it holds the certificate the directory lists for its name; plain v1 and seed links
    /// are unverified.
    /// </summary>
    public virtual bool IsVerified => false;

    /// <summary>
    /// How long nothing went either way on this link while nothing waited for an ack; <see cref="TimeSpan.Zero"/> for
    /// a link that is never closed for being idle (a seed link: its client cannot dial again by itself).
    /// </summary>
    public virtual TimeSpan IdleFor => TimeSpan.Zero;

    /// <summary>The peer acknowledges each message (v1); a seed client does not.</summary>
    public abstract bool GivesReceipts { get; }

    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _started;

    /// <summary>Completes when the link is closed and its socket released.</summary>
    public Task Completion => _completed.Task;

    /// <summary>Whether <see cref="Start"/> ran.</summary>
    protected bool IsStarted => Volatile.Read(ref _started) != 0;

    /// <summary>Starts reading (once), on the thread pool: no loop may capture a caller's context.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _ = Task.Run(ReadLoopAsync, CancellationToken.None);
        }
    }

    /// <summary>The dialect's read loop; it cleans up after itself and then calls <see cref="MarkCompleted"/>.</summary>
    protected abstract Task ReadLoopAsync();

    /// <summary>The link is closed and its socket released.</summary>
    protected void MarkCompleted() => _completed.TrySetResult();

    /// <summary>Writes one message; false when the link is closed or the write failed.</summary>
    public abstract Task<bool> SendAsync(string id, string text, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Closes the link, with a <c>bye</c> first when <paramref name="sayBye"/> and the dialect has one.</summary>
    public abstract Task CloseAsync(string reason, bool sayBye);

    public ValueTask DisposeAsync() => new(CloseAsync("Closed.", sayBye: false));

    public override string ToString() => $"{PeerName} ({RemoteEndPoint}, dialed by {DialerName}{(IsVerified ? ", verified" : "")})";
}
