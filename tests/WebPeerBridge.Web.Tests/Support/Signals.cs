using WebPeerBridge.Peer;
using WebPeerBridge.Peer.Changes;

namespace WebPeerBridge.Web.Tests.Support;

/// <summary>Awaits a condition on an agent or a conversation, re-checked whenever it says it changed.</summary>
internal static class Signals
{
    /// <summary>Re-checked after every change of the agent (its conversations' too).</summary>
    public static Task UntilAsync(PeerAgent agent, Func<bool> condition, CancellationToken cancellationToken) =>
        UntilAsync(onChanged => agent.Subscribe(_ => onChanged()), condition, cancellationToken);

    /// <summary>Completes once <paramref name="condition"/> holds, checked after every join or leave of the session.</summary>
    public static Task UntilAsync(WebPeerBridge.Web.Sessions.BridgeSession session, Func<bool> condition, CancellationToken cancellationToken) =>
        UntilAsync(session.Subscribe, condition, cancellationToken);

    /// <summary>The first notice of <paramref name="agent"/> that matches.</summary>
    public static async Task<AgentNotice> NoticeAsync(PeerAgent agent, Func<AgentNotice, bool> match, CancellationToken cancellationToken)
    {
        var seen = new TaskCompletionSource<AgentNotice>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = agent.Subscribe(change =>
        {
            if (change is NoticeRaised { Notice: var notice } && match(notice))
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
