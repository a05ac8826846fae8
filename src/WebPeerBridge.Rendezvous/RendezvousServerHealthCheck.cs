using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WebPeerBridge.Rendezvous;

/// <summary>Healthy while the embedded server's listener is bound and accepting.</summary>
public sealed class RendezvousServerHealthCheck(RendezvousServer server) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(server.IsListening
            ? HealthCheckResult.Healthy($"Listening on {server.LocalEndPoint}; {server.OnlineCount} online; last seq {server.LastSeq}.")
            : HealthCheckResult.Unhealthy("The rendezvous server is not listening."));
}
