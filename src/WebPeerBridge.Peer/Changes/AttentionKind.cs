namespace WebPeerBridge.Peer.Changes;

/// <summary>Why a line asks for the person's attention.</summary>
public enum AttentionKind
{
    /// <summary>A direct message from a peer.</summary>
    DirectMessage,

    /// <summary>A line that mentions the person by name.</summary>
    Mention,
}
