using Microsoft.Extensions.Logging;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Peer;

/// <summary>
/// One participant of the network: a rendezvous link that reconnects by itself, a peer listener, direct links, and
/// the conversations a UI renders. Thread-safe. Subscribers are called on the agent's threads.
/// </summary>
public sealed partial class PeerAgent : IAsyncDisposable
{
    public PeerAgent(PeerAgentOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _ = loggerFactory;
        _ = timeProvider;
        Broadcast = new Conversation(Conversation.BroadcastKey, ConversationKind.Broadcast, options.HistoryCapPerConversation);
    }

    public PeerAgentOptions Options { get; }

    /// <summary>The registered name.</summary>
    public string Name => Options.Name;

    /// <summary>The port of the peer listener; 0 before <see cref="StartAsync"/>.</summary>
    public int PeerPort => throw new NotImplementedException();

    /// <summary>This agent as the server announced it (host and port others dial); null before the first welcome.</summary>
    public PeerInfo? Self => throw new NotImplementedException();

    /// <summary>The rendezvous link's state.</summary>
    public RendezvousState State => throw new NotImplementedException();

    /// <summary>Detail of the state for the user (the last error, the next retry), or null.</summary>
    public string? StateDetail => throw new NotImplementedException();

    /// <summary>Everyone else online, in join order.</summary>
    public IReadOnlyList<PeerInfo> Peers => throw new NotImplementedException();

    /// <summary>The broadcast stream.</summary>
    public Conversation Broadcast { get; }

    /// <summary>The direct conversations, in the order they started.</summary>
    public IReadOnlyList<Conversation> DirectConversations => throw new NotImplementedException();

    /// <summary>The peer <c>to_peer:</c> goes to: the link last opened or used, else the only open link.</summary>
    public string? CurrentPeer => throw new NotImplementedException();

    /// <summary>The direct conversation with <paramref name="peerName"/> (ignoring case), if there is one.</summary>
    public Conversation? FindDirect(string peerName) => throw new NotImplementedException();

    /// <summary>The direct conversation with <paramref name="peerName"/>, created when missing.</summary>
    public Conversation OpenDirect(string peerName) => throw new NotImplementedException();

    /// <summary>The state of the direct link with <paramref name="peerName"/>.</summary>
    public DirectLinkState GetLinkState(string peerName) => throw new NotImplementedException();

    /// <summary>Calls <paramref name="onChanged"/> when state, peers, links or the list of conversations change.</summary>
    public IDisposable Subscribe(Action onChanged) => throw new NotImplementedException();

    /// <summary>Calls <paramref name="onNotice"/> for joins, leaves, links opened or closed, and errors.</summary>
    public IDisposable SubscribeNotices(Action<AgentNotice> onNotice) => throw new NotImplementedException();

    /// <summary>Binds the peer listener and registers; completes at the first welcome or when joining fails.</summary>
    public Task<JoinResult> StartAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Broadcasts <paramref name="text"/>; it shows as sending, then delivered when the server relays it.</summary>
    public Task<SendResult> BroadcastAsync(string text, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Sends a direct message, dialing the peer when no link is open.</summary>
    public Task<SendResult> SendDirectAsync(string peerName, string text, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Sends a failed own message again.</summary>
    public Task<SendResult> ResendAsync(string conversationKey, string messageId, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Opens a direct link to <paramref name="host"/>:<paramref name="port"/> (the seed's <c>conn:</c>).</summary>
    public Task<LinkResult> ConnectAsync(string host, int port, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Opens a direct link to a listed peer.</summary>
    public Task<LinkResult> ConnectToPeerAsync(string peerName, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Closes the direct link with <paramref name="peerName"/> (bye).</summary>
    public Task CloseLinkAsync(string peerName, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Carries out one typed line: plain text broadcasts, the seed's commands, <c>/msg</c>.</summary>
    public Task<CommandResult> ExecuteAsync(string input, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Says bye to the server and every link, then closes; <see cref="State"/> becomes closed.</summary>
    public Task LeaveAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask DisposeAsync() => throw new NotImplementedException();
}
