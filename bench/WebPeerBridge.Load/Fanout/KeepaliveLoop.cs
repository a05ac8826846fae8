using System.Net.Sockets;

namespace WebPeerBridge.Load.Fanout;

/// <summary>Sends every client a keepalive line now and then, so a server with an idle timeout keeps a long run's receivers.</summary>
internal sealed class KeepaliveLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public KeepaliveLoop(IReadOnlyList<LoadClient> clients, byte[]? line, TimeSpan interval) =>
        _loop = line is null ? Task.CompletedTask : Task.Run(() => RunAsync(clients, line, interval, _stop.Token), CancellationToken.None);

    private static async Task RunAsync(IReadOnlyList<LoadClient> clients, byte[] line, TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var client in clients)
                {
                    try
                    {
                        await client.SendAsync(line, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
                    {
                        // A closed client shows in the counts.
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
