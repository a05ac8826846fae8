namespace WebPeerBridge.Peer.Links;

/// <summary>
/// Which direct link is open with which peer: one per pair. When a second link with the same peer comes up (both
/// dialed at once), the one dialed by the name that sorts first (ordinal, ignoring case) stays; both sides apply the same
/// rule, so both keep the same link. Two links dialed by the same side: the newer stays (the dialer gave up on the old
/// one). With a seed client, the link it accepted stays (it sends only there). Also knows the current peer of
/// <c>to_peer:</c>.
/// </summary>
internal sealed class LinkTable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DirectLink> _open = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _connecting = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _closed = new(StringComparer.OrdinalIgnoreCase);
    private string? _current;

    /// <summary>Whether <paramref name="candidate"/> should replace <paramref name="existing"/> as the pair's link.</summary>
    public static bool Prefer(DirectLink candidate, DirectLink existing)
    {
        if (!candidate.GivesReceipts || !existing.GivesReceipts)
        {
            // A seed client knows no such rule: once it has accepted our link it sends only on that one, so keep it.
            return candidate.IsOutgoing || !existing.IsOutgoing;
        }

        return string.Equals(candidate.DialerName, existing.DialerName, StringComparison.OrdinalIgnoreCase)
            || string.Compare(candidate.DialerName, existing.DialerName, StringComparison.OrdinalIgnoreCase) < 0;
    }

    /// <summary>
    /// Adds <paramref name="link"/>. <c>Opened</c>: the peer had no open link before. <c>Loser</c>: the link to close
    /// (the previous one, or <paramref name="link"/> itself), when the pair now has two.
    /// </summary>
    public (bool Opened, DirectLink? Loser) Register(DirectLink link)
    {
        lock (_gate)
        {
            _closed.Remove(link.PeerName);
            if (!_open.TryGetValue(link.PeerName, out var existing))
            {
                _open[link.PeerName] = link;
                return (true, null);
            }

            if (Prefer(link, existing))
            {
                _open[link.PeerName] = link;
                return (false, existing);
            }

            return (false, link);
        }
    }

    /// <summary>
    /// Removes <paramref name="link"/>. <c>WasOpen</c>: it was the pair's link (not a loser being closed).
    /// <c>StillOpen</c>: the pair has another link.
    /// </summary>
    public (bool WasOpen, bool StillOpen) Remove(DirectLink link)
    {
        lock (_gate)
        {
            if (_open.TryGetValue(link.PeerName, out var existing) && ReferenceEquals(existing, link))
            {
                _open.Remove(link.PeerName);
                _closed.Add(link.PeerName);
                return (true, false);
            }

            return (false, _open.ContainsKey(link.PeerName));
        }
    }

    public bool TryGetOpen(string peerName, out DirectLink link)
    {
        lock (_gate)
        {
            return _open.TryGetValue(peerName, out link!);
        }
    }

    public IReadOnlyList<DirectLink> OpenLinks
    {
        get
        {
            lock (_gate)
            {
                return [.. _open.Values];
            }
        }
    }

    public void BeginConnecting(string peerName)
    {
        lock (_gate)
        {
            _connecting[peerName] = _connecting.GetValueOrDefault(peerName) + 1;
        }
    }

    public void EndConnecting(string peerName)
    {
        lock (_gate)
        {
            if (_connecting.TryGetValue(peerName, out var count))
            {
                if (count <= 1)
                {
                    _connecting.Remove(peerName);
                }
                else
                {
                    _connecting[peerName] = count - 1;
                }
            }
        }
    }

    public DirectLinkState GetState(string peerName)
    {
        lock (_gate)
        {
            if (_open.ContainsKey(peerName))
            {
                return DirectLinkState.Open;
            }

            if (_connecting.ContainsKey(peerName))
            {
                return DirectLinkState.Connecting;
            }

            return _closed.Contains(peerName) ? DirectLinkState.Closed : DirectLinkState.None;
        }
    }

    /// <summary>The link last opened or used becomes the one <c>to_peer:</c> goes to.</summary>
    public void MarkCurrent(string peerName)
    {
        lock (_gate)
        {
            _current = peerName;
        }
    }

    /// <summary>The current peer if its link is open, else the only open link's peer, else null.</summary>
    public string? CurrentPeer
    {
        get
        {
            lock (_gate)
            {
                if (_current is not null && _open.TryGetValue(_current, out var current))
                {
                    return current.PeerName;
                }

                return _open.Count == 1 ? _open.Values.First().PeerName : null;
            }
        }
    }
}
