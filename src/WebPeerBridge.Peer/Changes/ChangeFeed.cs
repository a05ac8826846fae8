using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace WebPeerBridge.Peer.Changes;

/// <summary>
/// An agent's changes on their way to its subscribers: a bounded queue and one loop that calls them, so a socket's read
/// loop never waits for a UI. When the queue is full, the change is left out and the subscribers hear
/// <see cref="ChangesLost"/> once they catch up, in place of the changes still queued then.
/// </summary>
internal sealed partial class ChangeFeed : IAsyncDisposable
{
    private static readonly ChangesLost Lost = new();
    private readonly Channel<AgentChange> _queue;
    private readonly Subscribers<AgentChange> _subscribers;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private int _lost;
    private int _disposed;

    public ChangeFeed(int capacity, ILoggerFactory loggerFactory)
    {
        _logger = loggerFactory.CreateLogger<ChangeFeed>();
        _subscribers = new Subscribers<AgentChange>(loggerFactory.CreateLogger<Subscribers<AgentChange>>());
        _queue = Channel.CreateBounded<AgentChange>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(DispatchAsync, CancellationToken.None);
    }

    public IDisposable Subscribe(Action<AgentChange> handler) => _subscribers.Subscribe(handler);

    /// <summary>Queues <paramref name="change"/> for the subscribers; never waits.</summary>
    public void Raise(AgentChange change)
    {
        // Nobody listens (an agent without a UI, or before one attaches): whoever subscribes later reads the state.
        if (_subscribers.Count == 0)
        {
            return;
        }

        if (!_queue.Writer.TryWrite(change) && Volatile.Read(ref _disposed) == 0 && Interlocked.Exchange(ref _lost, 1) == 0)
        {
            LogFellBehind();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task DispatchAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (Interlocked.Exchange(ref _lost, 0) == 1)
            {
                // What is still queued is older than the state the subscribers now read afresh: dropped, so that one
                // overflow is one notice (the stale changes would otherwise fill the queue again behind it).
                while (reader.TryRead(out _))
                {
                }

                _subscribers.Notify(Lost);
                continue;
            }

            if (reader.TryRead(out var change))
            {
                _subscribers.Notify(change);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Subscribers fell behind the agent's changes; they are told to read its state afresh")]
    private partial void LogFellBehind();
}
