using Microsoft.AspNetCore.Components;
using WebPeerBridge.Peer;
using WebPeerBridge.Peer.Changes;

namespace WebPeerBridge.Web.Components;

/// <summary>
/// A component that renders service state and re-renders when a service says it changed. Subscriptions are made in
/// OnInitialized (or when a parameter changes) and disposed with the component, so a closed tab leaves nothing behind.
/// </summary>
public abstract class BridgeComponent : ComponentBase, IDisposable
{
    private readonly List<IDisposable> _subscriptions = [];
    private bool _disposed;

    /// <summary>Keeps <paramref name="subscription"/> until the component is disposed.</summary>
    protected void Track(IDisposable subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        if (_disposed)
        {
            subscription.Dispose();
            return;
        }

        _subscriptions.Add(subscription);
    }

    /// <summary>
    /// Renders again after each change of <paramref name="agent"/> that <paramref name="shows"/> says this component
    /// shows (checked on the agent's dispatch loop, so nothing else is posted to the renderer).
    /// </summary>
    protected void RefreshOn(PeerAgent agent, Func<AgentChange, bool> shows)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(shows);
        Track(agent.Subscribe(change =>
        {
            if (shows(change))
            {
                Refresh();
            }
        }));
    }

    /// <summary>Re-renders from any thread: services call back on their own threads.</summary>
    protected void Refresh() => _ = RefreshAsync();

    /// <summary>Runs <paramref name="work"/> on the renderer's thread; a failure goes to the error boundary.</summary>
    protected void OnRendererThread(Action work) => _ = RunAsync(() =>
    {
        work();
        return Task.CompletedTask;
    });

    /// <summary>Runs <paramref name="work"/> on the renderer's thread and awaits it; a failure goes to the error boundary.</summary>
    protected void OnRendererThread(Func<Task> work) => _ = RunAsync(work);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed || !disposing)
        {
            return;
        }

        _disposed = true;
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }

        _subscriptions.Clear();
    }

    private async Task RefreshAsync()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            await InvokeAsync(StateHasChanged);
        }
        catch (Exception ex)
        {
            await DispatchExceptionAsync(ex);
        }
    }

    private async Task RunAsync(Func<Task> work)
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            await InvokeAsync(work);
        }
        catch (Exception ex)
        {
            await DispatchExceptionAsync(ex);
        }
    }
}
