using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Peer.Rendezvous;

/// <summary>What a <see cref="RendezvousLink"/> hands to its agent. Called on the link's loop, one call at a time.</summary>
internal interface IRendezvousHandler
{
    /// <summary>The <c>since</c> of the next hello: the last broadcast seq seen, null before the first welcome.</summary>
    long? ResumeSeq { get; }

    /// <summary>A welcome opened session <paramref name="session"/>; <paramref name="since"/> is what the hello asked for.</summary>
    ValueTask OnWelcomeAsync(Welcome welcome, int session, long? since, CancellationToken cancellationToken);

    /// <summary>Any later frame of that session: joined, left, said, error.</summary>
    ValueTask OnFrameAsync(Frame frame, int session, CancellationToken cancellationToken);

    /// <summary>The state or its detail changed.</summary>
    void OnStateChanged(RendezvousState state, string? detail);
}
