using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using WebPeerBridge.Web.Hosting;

namespace WebPeerBridge.Web.Health;

/// <summary>Healthy when a TCP connection to the rendezvous server the agents use opens.</summary>
internal sealed class RendezvousReachableHealthCheck(RendezvousTarget target, TimeProvider time) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var endpoint = target.Known;
        using var timeout = new CancellationTokenSource(Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            endpoint = await target.ResolveAsync(linked.Token).ConfigureAwait(false);
            using var client = new TcpClient();
            await client.ConnectAsync(endpoint.Host, endpoint.Port, linked.Token).ConfigureAwait(false);
            // Closing without a byte is what the server expects of a probe: it drops the connection quietly.
            client.Client.Shutdown(SocketShutdown.Both);
            return HealthCheckResult.Healthy($"Reachable at {endpoint}.");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"No answer from {endpoint} within {Timeout.TotalSeconds:0} s.");
        }
        catch (SocketException ex)
        {
            return HealthCheckResult.Unhealthy($"Not reachable at {endpoint}: {ex.SocketErrorCode}.");
        }
    }
}
