namespace WebPeerBridge.Peer.Links;

/// <summary>
/// Every direct link of one agent, under one lock: the links with a socket (live), the one open link per pair, the
/// dials under way (one per peer), who waits for a pair's link to open, which pairs had a link that closed, and the
/// current peer of <c>to_peer:</c>. After <see cref="Close"/> it takes no new links.
/// </summary>
/// <remarks>
/// One link per pair: when a second link with the same peer comes up, an unverified link never replaces a verified one;
/// otherwise the one dialed by the name that sorts first (ordinal, ignoring case) stays. Both sides apply the same rule,
/// so both keep the same link. Two links dialed by the same side: the newer stays (the dialer gave up on the old one).
/// With a seed client, the link it accepted stays (it sends only there).
/// </remarks>
internal sealed class LinkRegistry
{
    private readonly Lock _gate = new();
    private readonly HashSet<DirectLink> _live = [];
    private readonly Dictionary<string, DirectLink> _open = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Task<LinkResult>> _dials = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<TaskCompletionSource<DirectLink>>> _waiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _closedPairs = new(StringComparer.OrdinalIgnoreCase);
    private string? _current;
    private bool _closed;

    /// <summary>Whether <paramref name="candidate"/> should replace <paramref name="existing"/> as the pair's link.</summary>
    public static bool Prefer(DirectLink candidate, DirectLink existing)
    {
        if (candidate.IsVerified != existing.IsVerified)
        {
            // Nobody displaces a verified link by dialing without proof; a verified link does replace an unverified one.
            return candidate.IsVerified;
        }

        if (!candidate.GivesReceipts || !existing.GivesReceipts)
        {
            // A seed client knows no such rule: once it has accepted our link it sends only on that one, so keep it.
            return candidate.IsOutgoing || !existing.IsOutgoing;
        }

        return string.Equals(candidate.DialerName, existing.DialerName, StringComparison.OrdinalIgnoreCase)
            || string.Compare(candidate.DialerName, existing.DialerName, StringComparison.OrdinalIgnoreCase) < 0;
    }

    /// <summary>The registry was closed (the agent left): no new links, no new dials.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_gate)
            {
                return _closed;
            }
        }
    }

    /// <summary>Incoming links with a socket from <paramref name="address"/>.</summary>
    public int IncomingFrom(System.Net.IPAddress address)
    {
        lock (_gate)
        {
            var count = 0;
            foreach (var link in _live)
            {
                if (!link.IsOutgoing && link.RemoteEndPoint.Address.Equals(address))
                {
                    count++;
                }
            }

            return count;
        }
    }

    /// <summary>Links with a socket, open or closing (for tests: exactly one per pair once things settle).</summary>
    public int LiveCount
    {
        get
        {
            lock (_gate)
            {
                return _live.Count;
            }
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

    /// <summary>
    /// Adds <paramref name="link"/> and settles the pair. <see cref="Registration.Opened"/>: the peer had no open link
    /// before. <see cref="Registration.Loser"/>: the link to close (the previous one, or <paramref name="link"/>
    /// itself). <see cref="Registration.Waiters"/>: who waited for the pair's link, to be given it outside the lock.
    /// <see cref="Registration.Refused"/>: the registry is closed; the caller closes the link.
    /// </summary>
    public Registration Register(DirectLink link)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return new Registration(Refused: true, Opened: false, Loser: null, Waiters: []);
            }

            _live.Add(link);
            _closedPairs.Remove(link.PeerName);
            bool opened;
            DirectLink? loser;
            if (!_open.TryGetValue(link.PeerName, out var existing))
            {
                (opened, loser) = (true, null);
            }
            else if (Prefer(link, existing))
            {
                (opened, loser) = (false, existing);
            }
            else
            {
                return new Registration(Refused: false, Opened: false, Loser: link, Waiters: []);
            }

            _open[link.PeerName] = link;
            _current = link.PeerName;
            _waiters.Remove(link.PeerName, out var waiters);
            return new Registration(Refused: false, opened, loser, waiters ?? []);
        }
    }

    /// <summary>
    /// Removes a link whose socket is closed. <c>WasOpen</c>: it was the pair's link (not a loser being closed).
    /// <c>Replacement</c>: the pair's other open link, if there is one.
    /// </summary>
    public (bool WasOpen, DirectLink? Replacement) Remove(DirectLink link)
    {
        lock (_gate)
        {
            _live.Remove(link);
            if (_open.TryGetValue(link.PeerName, out var existing) && ReferenceEquals(existing, link))
            {
                _open.Remove(link.PeerName);
                _closedPairs.Add(link.PeerName);
                return (true, null);
            }

            return (false, _open.GetValueOrDefault(link.PeerName));
        }
    }

    public bool TryGetOpen(string peerName, out DirectLink link)
    {
        lock (_gate)
        {
            return _open.TryGetValue(peerName, out link!);
        }
    }

    /// <summary>
    /// The dial under way to <paramref name="peerName"/>, or a new one from <paramref name="start"/>; null when the
    /// registry is closed. The dial calls <see cref="EndDial"/> when it ends.
    /// </summary>
    public Task<LinkResult>? GetOrStartDial(string peerName, Func<Task<LinkResult>> start)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return null;
            }

            if (!_dials.TryGetValue(peerName, out var dial))
            {
                // The dial's EndDial takes this lock, so it cannot remove the entry before it is added.
                dial = start();
                _dials[peerName] = dial;
            }

            return dial;
        }
    }

    /// <summary>The dial to <paramref name="peerName"/> ended.</summary>
    public void EndDial(string peerName)
    {
        lock (_gate)
        {
            _dials.Remove(peerName);
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

            if (_dials.ContainsKey(peerName))
            {
                return DirectLinkState.Connecting;
            }

            return _closedPairs.Contains(peerName) ? DirectLinkState.Closed : DirectLinkState.None;
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

    /// <summary>Who dialed the open link with <paramref name="peerName"/> (both sides agree once a race has settled).</summary>
    public string? OpenLinkDialer(string peerName)
    {
        lock (_gate)
        {
            return _open.TryGetValue(peerName, out var link) ? link.DialerName : null;
        }
    }

    /// <summary>For diagnostics: every link with a socket.</summary>
    public string Describe()
    {
        lock (_gate)
        {
            return string.Join("; ", _live.Select(l =>
                $"{l} open={_open.TryGetValue(l.PeerName, out var o) && ReferenceEquals(o, l)} verified={l.IsVerified} done={l.Completion.IsCompleted}"));
        }
    }

    /// <summary>The open link with <paramref name="peerName"/>, waiting up to <paramref name="timeout"/> for one; null if none.</summary>
    public async Task<DirectLink?> WaitForOpenAsync(string peerName, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var waiter = new TaskCompletionSource<DirectLink>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_open.TryGetValue(peerName, out var open))
            {
                return open;
            }

            if (_closed)
            {
                return null;
            }

            if (!_waiters.TryGetValue(peerName, out var waiters))
            {
                _waiters[peerName] = waiters = [];
            }

            waiters.Add(waiter);
        }

        try
        {
            return await waiter.Task.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            return null;
        }
        finally
        {
            lock (_gate)
            {
                if (_waiters.TryGetValue(peerName, out var waiters) && waiters.Remove(waiter) && waiters.Count == 0)
                {
                    _waiters.Remove(peerName);
                }
            }
        }
    }

    /// <summary>Takes no new links from now on; returns the live ones, for the caller to close.</summary>
    public IReadOnlyList<DirectLink> Close()
    {
        lock (_gate)
        {
            _closed = true;
            return [.. _live];
        }
    }

    /// <summary>The live links (after <see cref="Close"/>: the ones that registered while the others closed).</summary>
    public IReadOnlyList<DirectLink> LiveLinks
    {
        get
        {
            lock (_gate)
            {
                return [.. _live];
            }
        }
    }
}

/// <summary>What <see cref="LinkRegistry.Register"/> decided.</summary>
internal readonly record struct Registration(bool Refused, bool Opened, DirectLink? Loser, IReadOnlyList<TaskCompletionSource<DirectLink>> Waiters);
