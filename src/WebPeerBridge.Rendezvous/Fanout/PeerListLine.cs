namespace WebPeerBridge.Rendezvous.Fanout;

/// <summary>
/// The welcome's <c>peers</c> list as JSON bytes, built from each PEER's bytes serialized once (inside its
/// <c>joined</c> line) instead of serializing every peer again for every newcomer: the k-th joiner's welcome is a
/// slice of one shared array. Mirrors the presence store's order (join order; a reconnect keeps its place). An append
/// writes past every slice already handed out; any other change builds a new array, so a slice never changes.
/// Used by the hub's loop only.
/// </summary>
internal sealed class PeerListLine(int maxPeers)
{
    private static readonly byte[] s_joinedPrefix = "{\"type\":\"joined\",\"peer\":"u8.ToArray();

    private readonly OrderedDictionary<string, ReadOnlyMemory<byte>> _peers = new(StringComparer.OrdinalIgnoreCase);
    private byte[] _bytes = [];
    private int _length;
    private int _listed;
    private bool _stale;

    /// <summary>Peers listed (at most the maximum a welcome lists).</summary>
    public int Count => Math.Min(_peers.Count, maxPeers);

    /// <summary>The PEER object inside a <c>joined</c> line (<c>{"type":"joined","peer":PEER}</c> and its newline).</summary>
    public static ReadOnlyMemory<byte> PeerOf(ReadOnlyMemory<byte> joinedLine)
    {
        if (!joinedLine.Span.StartsWith(s_joinedPrefix) || !joinedLine.Span.EndsWith("}\n"u8))
        {
            throw new InvalidOperationException("Not a joined line.");
        }

        return joinedLine[s_joinedPrefix.Length..^2];
    }

    /// <summary>Adds or replaces <paramref name="name"/>'s PEER object, given as its JSON bytes.</summary>
    public void Upsert(string name, ReadOnlyMemory<byte> peerJson)
    {
        if (_peers.TryAdd(name, peerJson))
        {
            if (!_stale && _listed < maxPeers)
            {
                Append(peerJson);
            }

            return;
        }

        _peers[name] = peerJson;
        _stale = true;
    }

    public void Remove(string name) => _stale |= _peers.Remove(name);

    /// <summary>The list's items, comma-separated, without the brackets: valid until the next change.</summary>
    public ReadOnlyMemory<byte> Current
    {
        get
        {
            if (_stale)
            {
                Rebuild();
            }

            return _bytes.AsMemory(0, _length);
        }
    }

    private void Rebuild()
    {
        _stale = false;
        var size = 0;
        var listed = 0;
        foreach (var peer in _peers.Values)
        {
            if (listed++ == maxPeers)
            {
                break;
            }

            size += peer.Length + 1;
        }

        // A new array: the slices of welcomes still queued keep the old one.
        _bytes = new byte[Math.Max(size, 256)];
        _length = 0;
        _listed = 0;
        foreach (var peer in _peers.Values)
        {
            if (_listed == maxPeers)
            {
                break;
            }

            Append(peer);
        }
    }

    private void Append(ReadOnlyMemory<byte> peerJson)
    {
        var needed = _length + peerJson.Length + 1;
        if (needed > _bytes.Length)
        {
            var grown = new byte[Math.Max(needed, Math.Max(256, _bytes.Length * 2))];
            _bytes.AsSpan(0, _length).CopyTo(grown);
            _bytes = grown;
        }

        if (_listed > 0)
        {
            _bytes[_length++] = (byte)',';
        }

        peerJson.Span.CopyTo(_bytes.AsSpan(_length));
        _length += peerJson.Length;
        _listed++;
    }
}
