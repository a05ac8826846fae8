using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Rendezvous.Fanout;

/// <summary>A connected client as the hub sees it, whatever dialect it speaks.</summary>
internal interface IHubClient
{
    /// <summary>A short id for logs.</summary>
    string ConnectionId { get; }

    /// <summary><see cref="PeerProtocols.V1"/> or <see cref="PeerProtocols.Seed"/>.</summary>
    string Protocol { get; }

    /// <summary>The name it is registered under, once accepted.</summary>
    string? RegisteredName { get; }

    /// <summary>Queues a frame without waiting; false when its queue is full (the hub then drops it as a slow consumer).</summary>
    bool TryEnqueue(in Outbound frame);

    /// <summary>The hub accepted its hello: it is registered as <paramref name="you"/>; <paramref name="welcome"/> goes first.</summary>
    void Accept(PeerInfo you, WelcomeLine welcome);

    /// <summary>The hub refused its hello (<c>name_taken</c>); the connection sends the error and closes.</summary>
    void Refuse(string code, string message);

    /// <summary>The hub dropped it (<c>slow_consumer</c>); it has already been announced as left.</summary>
    void Abort(string code, string message);

    /// <summary>A reconnect of the same name took its place: close without a word and without announcing.</summary>
    void Replace();
}
