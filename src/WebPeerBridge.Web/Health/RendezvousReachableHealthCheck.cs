using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using WebPeerBridge.Peer.Rendezvous;
using WebPeerBridge.Web.Hosting;

namespace WebPeerBridge.Web.Health;

/// <summary>
/// Healthy when a TCP connection to the rendezvous server the agents use opens. With several nodes (<c>Rendezvous:Servers</c>)
/// every one is tried: some down is Degraded (the agents move to the others, and chat goes on), all down is Unhealthy.
/// </summary>
internal sealed class RendezvousReachableHealthCheck(RendezvousTarget target, IOptions<BridgeOptions> options, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var endpoint = target.Known;
        using var timeout = new CancellationTokenSource(options.Value.HealthCheckTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        if (endpoint.Servers is { Count: > 1 } servers)
        {
            return await CheckNodesAsync(servers, timeout, linked.Token).ConfigureAwait(false);
        }

        string? failure;
        try
        {
            endpoint = await target.ResolveAsync(linked.Token).ConfigureAwait(false);
            failure = await ProbeAsync(endpoint.Host, endpoint.Port, timeout, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            failure = NoAnswer;
        }

        return failure is null
            ? HealthCheckResult.Healthy($"Reachable at {endpoint}.")
            : HealthCheckResult.Unhealthy($"Not reachable at {endpoint}: {failure}.");
    }

    private string NoAnswer => $"no answer within {options.Value.HealthCheckTimeout.TotalSeconds:0.#} s";

    private async Task<HealthCheckResult> CheckNodesAsync(IReadOnlyList<string> servers, CancellationTokenSource timeout,
        CancellationToken cancellationToken)
    {
        // All at once: a node that does not answer costs the timeout once, not once per node.
        var failures = await Task.WhenAll(servers.Select(server => RendezvousServerList.TryParse(server, out var host, out var port)
            ? ProbeAsync(host, port, timeout, cancellationToken)
            : Task.FromResult<string?>("not host:port"))).ConfigureAwait(false);
        var up = servers.Where((_, i) => failures[i] is null).ToList();
        var down = servers.Select((server, i) => failures[i] is { } why ? $"{server} ({why})" : null).OfType<string>().ToList();
        if (down.Count == 0)
        {
            return HealthCheckResult.Healthy($"Reachable at {string.Join(", ", up)}.");
        }

        return up.Count == 0
            ? HealthCheckResult.Unhealthy($"Not reachable at {string.Join(", ", down)}.")
            : HealthCheckResult.Degraded($"Reachable at {string.Join(", ", up)}; not at {string.Join(", ", down)}: agents move to the others.");
    }

    // Null when a connection opened; else why not.
    private async Task<string?> ProbeAsync(string host, int port, CancellationTokenSource timeout, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            // Closing without a byte is what the server expects of a probe: it drops the connection quietly.
            client.Client.Shutdown(SocketShutdown.Both);
            return null;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return NoAnswer;
        }
        catch (SocketException ex)
        {
            return ex.SocketErrorCode.ToString();
        }
    }
}
