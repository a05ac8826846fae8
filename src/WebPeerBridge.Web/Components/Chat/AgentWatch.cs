using WebPeerBridge.Peer;
using WebPeerBridge.Peer.Conversations;

namespace WebPeerBridge.Web.Components.Chat;

/// <summary>
/// Calls back when an agent changes (state, peers, links, the list of conversations) and, optionally, when any of its
/// conversations changes (new lines, unread counts); new direct conversations are followed as they appear.
/// </summary>
internal sealed class AgentWatch : IDisposable
{
    private readonly Lock _gate = new();
    private readonly PeerAgent _agent;
    private readonly Action _onChanged;
    private readonly bool _conversations;
    private readonly Dictionary<Conversation, IDisposable> _followed = [];
    private readonly IDisposable _agentSubscription;
    private bool _disposed;

    public AgentWatch(PeerAgent agent, Action onChanged, bool conversations)
    {
        _agent = agent;
        _onChanged = onChanged;
        _conversations = conversations;
        _agentSubscription = agent.Subscribe(OnAgentChanged);
        if (conversations)
        {
            Follow();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _agentSubscription.Dispose();
            foreach (var subscription in _followed.Values)
            {
                subscription.Dispose();
            }

            _followed.Clear();
        }
    }

    private void OnAgentChanged()
    {
        if (_conversations)
        {
            Follow();
        }

        _onChanged();
    }

    private void Follow()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            foreach (var conversation in _agent.DirectConversations.Prepend(_agent.Broadcast))
            {
                if (!_followed.ContainsKey(conversation))
                {
                    _followed[conversation] = conversation.Subscribe(_onChanged);
                }
            }
        }
    }
}
