using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Rendezvous.Presence;

/// <summary>
/// Who is online where: names are unique ignoring case (ordinal). One seam, so that a clustered store (a key-value
/// bucket with a TTL) can replace the embedded one. Called by one caller at a time (the hub's loop).
/// </summary>
public interface IPresenceStore
{
    /// <summary>Everyone online, in the order they joined.</summary>
    IReadOnlyCollection<PeerInfo> Online { get; }

    /// <summary>Number of peers online.</summary>
    int Count { get; }

    /// <summary>The peer registered under <paramref name="name"/>, if any.</summary>
    bool TryGet(string name, out PeerInfo peer);

    /// <summary>Registers or replaces <paramref name="peer"/> under its name.</summary>
    void Upsert(PeerInfo peer);

    /// <summary>Removes <paramref name="name"/>; false when it was not online.</summary>
    bool Remove(string name);
}
