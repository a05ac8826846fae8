using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Rendezvous.Presence;

/// <summary>Presence of one server process; forgotten at a restart.</summary>
public sealed class InMemoryPresenceStore : IPresenceStore
{
    // OrderedDictionary keeps the join order for welcome's peer list.
    private readonly OrderedDictionary<string, PeerInfo> _peers = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<PeerInfo> Online => _peers.Values;

    public int Count => _peers.Count;

    public bool TryGet(string name, out PeerInfo peer) => _peers.TryGetValue(name, out peer!);

    public void Upsert(PeerInfo peer) => _peers[peer.Name] = peer;

    public bool Remove(string name) => _peers.Remove(name);
}
