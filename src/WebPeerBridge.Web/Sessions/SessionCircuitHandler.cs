using Microsoft.AspNetCore.Components.Server.Circuits;

namespace WebPeerBridge.Web.Sessions;

/// <summary>
/// Counts a circuit as attached to its session only while its connection is up: a tab whose network dropped does not
/// keep the agent alive beyond the grace period (the server retains a disconnected circuit for minutes).
/// </summary>
internal sealed class SessionCircuitHandler(CurrentSession current) : CircuitHandler
{
    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        current.Attach();
        return Task.CompletedTask;
    }

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        current.Detach();
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        current.Detach();
        return Task.CompletedTask;
    }
}
