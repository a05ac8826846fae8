namespace WebPeerBridge.Peer.Changes;

/// <summary>Something to tell the person at once (a terminal line; the web shows only errors as toasts).</summary>
public sealed record NoticeRaised(AgentNotice Notice) : AgentChange;
