using WebPeerBridge.Peer;
using WebPeerBridge.Peer.Conversations;

namespace WebPeerBridge.Web.Tests.Support;

/// <summary>Awaits a condition on an agent or a conversation, re-checked whenever it says it changed.</summary>
internal static class Signals
{
    /// <summary>Re-checked when the agent or any of its conversations changes.</summary>
    public static Task UntilAsync(PeerAgent agent, Func<bool> condition, CancellationToken cancellationToken) =>
        UntilAsync(onChanged => new WebPeerBridge.Web.Components.Chat.AgentWatch(agent, onChanged, conversations: true), condition, cancellationToken);

    /// <summary>Completes once <paramref name="condition"/> holds, checked after every join or leave of the session.</summary>
    public static Task UntilAsync(WebPeerBridge.Web.Sessions.BridgeSession session, Func<bool> condition, CancellationToken cancellationToken) =>
        UntilAsync(session.Subscribe, condition, cancellationToken);

    public static Task UntilAsync(Conversation conversation, Func<bool> condition, CancellationToken cancellationToken) =>
        UntilAsync(conversation.Subscribe, condition, cancellationToken);

    /// <summary>The first notice of <paramref name="agent"/> that matches.</summary>
    public static async Task<AgentNotice> NoticeAsync(PeerAgent agent, Func<AgentNotice, bool> match, CancellationToken cancellationToken)
    {
        var seen = new TaskCompletionSource<AgentNotice>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = agent.SubscribeNotices(notice =>
        {
            if (match(notice))
            {
                seen.TrySetResult(notice);
            }
        });
        return await seen.Task.WaitAsync(TestNetwork.Timeout, cancellationToken);
    }

    private static async Task UntilAsync(Func<Action, IDisposable> subscribe, Func<bool> condition, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = subscribe(() =>
        {
            if (condition())
            {
                done.TrySetResult();
            }
        });
        if (condition())
        {
            return;
        }

        await done.Task.WaitAsync(TestNetwork.Timeout, cancellationToken);
    }
}
