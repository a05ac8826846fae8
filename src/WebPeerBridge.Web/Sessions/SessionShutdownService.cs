namespace WebPeerBridge.Web.Sessions;

/// <summary>
/// Ends every session's agent when the app stops, while the embedded rendezvous server still runs (so the others see
/// a proper <c>left</c>) and while circuits can still render; waiting for the container to dispose the registry is too
/// late for both.
/// </summary>
internal sealed class SessionShutdownService(SessionRegistry registry) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken) => await registry.DisposeAsync().ConfigureAwait(false);
}
