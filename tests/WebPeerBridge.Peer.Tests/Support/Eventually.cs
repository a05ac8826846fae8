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
        ChatMessage? found = null;
        await HoldsAsync(() => (found = conversation()?.Snapshot().FirstOrDefault(match)) is not null, what, agents);
        return found!;
    }

    /// <summary>Subscribes to an agent and to each of its conversations, also those that start later.</summary>
    private sealed class AgentWatcher : IDisposable
    {
        private readonly Lock _gate = new();
        private readonly List<IDisposable> _subscriptions = [];
        private readonly HashSet<Conversation> _watched = [];
        private readonly PeerAgent _agent;
        private readonly Action _onChange;

        public AgentWatcher(PeerAgent agent, Action onChange)
        {
            _agent = agent;
            _onChange = onChange;
            lock (_gate)
            {
                _subscriptions.Add(agent.Subscribe(OnAgentChanged));
            }

            OnAgentChanged();
        }

        public void Dispose()
        {
            lock (_gate)
            {
                foreach (var subscription in _subscriptions)
                {
                    subscription.Dispose();
                }

                _subscriptions.Clear();
            }
        }

        private void OnAgentChanged()
        {
            lock (_gate)
            {
                foreach (var conversation in _agent.DirectConversations.Prepend(_agent.Broadcast))
                {
                    if (_watched.Add(conversation))
                    {
                        _subscriptions.Add(conversation.Subscribe(_onChange));
                    }
                }
            }

            _onChange();
        }
    }
}
