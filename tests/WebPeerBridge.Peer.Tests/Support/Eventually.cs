using WebPeerBridge.Peer.Conversations;

namespace WebPeerBridge.Peer.Tests.Support;

/// <summary>Awaits a condition by the agent's own change signals, never by polling or sleeping.</summary>
public static class Eventually
{
    /// <summary>Completes once <paramref name="condition"/> holds, checked after every change of the agents or their conversations.</summary>
    public static async Task HoldsAsync(Func<bool> condition, string what, params PeerAgent[] agents)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            try
            {
                if (condition())
                {
                    signal.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                signal.TrySetException(ex);
            }
        }

        var watchers = agents.Select(a => new AgentWatcher(a, Check)).ToList();
        try
        {
            Check();
            await signal.Task.WaitAsync(Timeouts.Await, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {Timeouts.Await.TotalSeconds} s waiting until {what}.");
        }
        finally
        {
            foreach (var watcher in watchers)
            {
                watcher.Dispose();
            }
        }
    }

    /// <summary>Completes with the first message of <paramref name="conversation"/> that matches.</summary>
    public static async Task<ChatMessage> MessageAsync(Func<Conversation?> conversation, Func<ChatMessage, bool> match, string what,
        params PeerAgent[] agents)
    {
        // The check runs on the test's thread and on the agents' dispatch threads at once: the first match found is kept,
        // so that a slower check that found nothing cannot overwrite it after the signal.
        ChatMessage? found = null;
        await HoldsAsync(() => conversation()?.Snapshot().FirstOrDefault(match) is { } message
            && (Interlocked.CompareExchange(ref found, message, null) ?? message) is not null, what, agents);
        return Volatile.Read(ref found)!;
    }

    /// <summary>Checks after every change of the agent: one subscription carries them all, new conversations' too.</summary>
    private sealed class AgentWatcher(PeerAgent agent, Action onChange) : IDisposable
    {
        private readonly IDisposable _subscription = agent.Subscribe(_ => onChange());

        public void Dispose() => _subscription.Dispose();
    }
}
