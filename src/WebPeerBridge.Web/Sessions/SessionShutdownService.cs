namespace WebPeerBridge.Web.Sessions;

/// <summary>
/// Brings back the stored sessions when the app starts (their agents rejoin). Ends every session's agent when the app stops, while the embedded rendezvous server still runs (so the others see
/// a proper <c>left</c>) and while circuits can still render; waiting for the container to dispose the registry is too
/// late for both.
/// </summary>
internal sealed class SessionShutdownService(SessionRegistry registry) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => registry.RestoreAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken) => await registry.DisposeAsync().ConfigureAwait(false);
}
