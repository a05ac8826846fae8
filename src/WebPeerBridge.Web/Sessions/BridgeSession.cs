using System.Collections.Concurrent;
using WebPeerBridge.Peer;
using WebPeerBridge.Peer.Changes;

namespace WebPeerBridge.Web.Sessions;

/// <summary>
/// One browser session (one cookie): its peer agent once joined, and what every tab of it shares (drafts, the last
/// name used). The <see cref="SessionRegistry"/> owns it and guards the circuit count and the expiry timer.
/// </summary>
internal sealed class BridgeSession(string id)
{
    private readonly Subscribers<BridgeSession> _changed = new();
    private volatile PeerAgent? _agent;
    private volatile bool _joining;

    public string Id { get; } = id;

    /// <summary>What logs name the session by: a tag of its id, never the id (which opens the session).</summary>
    public string LogTag { get; } = SessionCookie.Tag(id);

    /// <summary>The session's agent, once joined; null on the join screen.</summary>
    public PeerAgent? Agent => _agent;

    /// <summary>A join is in progress (another tab may be joining).</summary>
    public bool IsJoining => _joining;

    /// <summary>The agent this session had before a bridge restart, while it rejoins (kept if the bridge stops meanwhile).</summary>
    internal Peer.Persistence.AgentSnapshot? PendingRestore { get; set; }

    /// <summary>The name last joined with, to fill in the join screen again.</summary>
    public string? LastName { get; set; }

    /// <summary>Unsent text per conversation, so a reload or another tab does not lose it.</summary>
    public ConcurrentDictionary<string, string> Drafts { get; } = new(StringComparer.OrdinalIgnoreCase);

    // Guarded by the registry's lock.
    internal int Circuits { get; set; }

    internal ITimer? ExpiryTimer { get; set; }

    internal long ExpiryGeneration { get; set; }

    internal SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The remote address the agent was joined from (null: not counted per address); guarded by <see cref="Gate"/>.</summary>
    internal System.Net.IPAddress? AgentAddress { get; set; }

    /// <summary>Calls <paramref name="onChanged"/> when the session joins or leaves.</summary>
    public IDisposable Subscribe(Action onChanged) => _changed.Subscribe(_ => onChanged());

    /// <summary>The draft of a conversation, or empty.</summary>
    public string GetDraft(string conversationKey) => Drafts.TryGetValue(conversationKey, out var text) ? text : string.Empty;

    /// <summary>Keeps (or, when blank, forgets) the draft of a conversation.</summary>
    public void SetDraft(string conversationKey, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            Drafts.TryRemove(conversationKey, out _);
        }
        else
        {
            Drafts[conversationKey] = text;
        }
    }

    internal void SetJoining(bool joining)
    {
        _joining = joining;
        _changed.Notify(this);
    }

    internal void SetAgent(PeerAgent? agent)
    {
        _agent = agent;
        _changed.Notify(this);
    }
}
