using System.Threading.Channels;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Rendezvous.Cluster;

namespace WebPeerBridge.Rendezvous.Tests.Cluster;

/// <summary>What a presence watcher tells the hub, as lines a test reads in order ("online bob at b-1", "left bob bye at b-1", "died b-1").</summary>
internal sealed class RecordedClusterEvents : IClusterEvents
{
    private readonly Channel<string> _events = Channel.CreateUnbounded<string>();

    public ValueTask SaidAsync(Said said, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask SkippedAsync(long seq, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask RemoteOnlineAsync(PeerInfo peer, string node, CancellationToken cancellationToken) => Record($"online {peer.Name} at {node}");

    public ValueTask RemoteLeftAsync(string name, string reason, string node, CancellationToken cancellationToken) => Record($"left {name} {reason} at {node}");

    public ValueTask NodeDiedAsync(string node, CancellationToken cancellationToken) => Record($"died {node}");

    public void Heartbeat()
    {
    }

    /// <summary>The next event that starts with <paramref name="prefix"/>, skipping others; fails after <see cref="Support.TestClient.Timeout"/>.</summary>
    public async Task<string> NextAsync(string prefix, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Support.TestClient.Timeout);
        try
        {
            while (true)
            {
                var next = await _events.Reader.ReadAsync(timeout.Token);
                if (next.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return next;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No event '{prefix}…' within {Support.TestClient.Timeout.TotalSeconds} s.");
        }
    }

    private ValueTask Record(string line)
    {
        _events.Writer.TryWrite(line);
        return ValueTask.CompletedTask;
    }
}
