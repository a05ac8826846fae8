using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using WebPeerBridge.Peer;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Validation;
using WebPeerBridge.Web.Hosting;

namespace WebPeerBridge.Web.Sessions;

/// <summary>
/// The browser sessions and their peer agents. A session lives while a circuit (tab) is attached and for the grace
/// period after the last one detaches, so reloads and dropped connections come back to the same agent, port and
/// history; then its agent says bye and is disposed. Leave ends it at once. At most <see cref="BridgeOptions.MaxAgents"/>
/// agents run at a time, at most <see cref="BridgeOptions.MaxAgentsPerAddress"/> of them joined from one remote address,
/// which may try <see cref="BridgeOptions.JoinsPerAddressPerMinute"/> joins a minute.
/// </summary>
internal sealed partial class SessionRegistry : IAsyncDisposable
{

    private readonly Lock _gate = new();
    private readonly Dictionary<string, BridgeSession> _sessions = new(StringComparer.Ordinal);
    private readonly HashSet<Task> _endings = [];
    private readonly PeerAgentFactory _factory;
    private readonly RendezvousTarget _target;
    private readonly BridgeOptions _options;
    private readonly TimeProvider _time;
    private readonly TimeProvider _agentTime;
    private readonly ILogger<SessionRegistry> _logger;
    private readonly CancellationTokenSource _disposing = new();
    private readonly SessionStore? _store;
    private readonly SemaphoreSlim _saveGate = new(1, 1);
    private bool _finalSaveDone; // guarded by _saveGate
    private readonly Dictionary<IPAddress, int> _agentsByAddress = []; // guarded by _gate
    private readonly PartitionedRateLimiter<IPAddress> _joins;
    private readonly LimitLog _limits;
    private ITimer? _saveTimer;
    private int _agents; // running or joining; guarded by _gate
    private bool _disposed;

    // time drives the grace period (tests pass a fake one); agentTime bounds joins and leaves, as the agents' own clock.
    public SessionRegistry(PeerAgentFactory factory, RendezvousTarget target, IOptions<BridgeOptions> options, TimeProvider time,
        TimeProvider agentTime, ILogger<SessionRegistry> logger, SessionStore? store = null)
    {
        _store = store;
        _factory = factory;
        _target = target;
        _options = options.Value;
        _time = time;
        _agentTime = agentTime;
        _logger = logger;
        _limits = new LimitLog(time, logger);
        Circuits = new CircuitLimiter(_options, _limits);
        var joinsPerMinute = _options.JoinsPerAddressPerMinute;
        _joins = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetFixedWindowLimiter(address,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = joinsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }

    /// <summary>The open circuits (tabs) per session and per remote address.</summary>
    public CircuitLimiter Circuits { get; }

    /// <summary>The message the join screen shows when <see cref="BridgeOptions.MaxAgents"/> agents run.</summary>
    public string FullMessage =>
        $"The bridge is full ({_options.MaxAgents} {(_options.MaxAgents == 1 ? "person" : "people")}). Try again later.";

    /// <summary>The message the join screen shows when <see cref="BridgeOptions.MaxAgentsPerAddress"/> agents run from its address.</summary>
    public string AddressFullMessage =>
        $"Too many people have joined from your address (at most {_options.MaxAgentsPerAddress}). Someone there must leave first.";

    /// <summary>The message the join screen shows after <see cref="BridgeOptions.JoinsPerAddressPerMinute"/> joins from its address within a minute.</summary>
    public string TooManyJoinsMessage =>
        $"Too many joins from your address (at most {_options.JoinsPerAddressPerMinute} a minute). Wait a minute and try again.";

    /// <summary>Agents running or joining.</summary>
    public int AgentCount
    {
        get
        {
            lock (_gate)
            {
                return _agents;
            }
        }
    }

    /// <summary>Sessions held (with or without an agent).</summary>
    public int SessionCount
    {
        get
        {
            lock (_gate)
            {
                return _sessions.Count;
            }
        }
    }

    /// <summary>Whether the bridge has room for one more agent right now.</summary>
    public bool IsFull
    {
        get
        {
            lock (_gate)
            {
                return _agents >= _options.MaxAgents;
            }
        }
    }

    /// <summary>Where the agents find the rendezvous server, for messages.</summary>
    public RendezvousEndpoint Rendezvous => _target.Known;

    /// <summary>A circuit of <paramref name="sessionId"/> attached: the session lives on (created when new).</summary>
    public BridgeSession Attach(string sessionId)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_sessions.TryGetValue(sessionId, out var session))
            {
                session = new BridgeSession(sessionId);
                _sessions.Add(sessionId, session);
                LogSessionStarted(session.LogTag, _sessions.Count);
            }

            session.Circuits++;
            session.ExpiryGeneration++;
            session.ExpiryTimer?.Dispose();
            session.ExpiryTimer = null;
            return session;
        }
    }

    /// <summary>A circuit detached; after the last one the grace period starts.</summary>
    public void Detach(BridgeSession session)
    {
        lock (_gate)
        {
            if (session.Circuits == 0)
            {
                return;
            }

            session.Circuits--;
            if (session.Circuits > 0 || _disposed || !IsRegistered(session))
            {
                return;
            }

            StartExpiry(session);
        }
    }

    /// <summary>
    /// Brings back the sessions stored at the last stop: each is held for the grace period (a page that comes back
    /// attaches to it), and a joined one's agent rejoins with its identity, resume token and conversations.
    /// </summary>
    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        if (_store is null)
        {
            return;
        }

        IReadOnlyList<StoredSession> stored;
        try
        {
            stored = await _store.LoadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or System.Text.Json.JsonException
                                       or UnauthorizedAccessException)
        {
            LogRestoreFailed(ex, _store.FilePath);
            stored = [];
        }

        var rejoining = 0;
        lock (_gate)
        {
            foreach (var saved in stored)
            {
                if (_disposed || _sessions.ContainsKey(saved.Id))
                {
                    continue;
                }

                var session = new BridgeSession(saved.Id) { LastName = saved.LastName };
                foreach (var (key, text) in saved.Drafts)
                {
                    session.Drafts[key] = text;
                }

                _sessions.Add(saved.Id, session);
                StartExpiry(session);
                if (saved.Agent is { } snapshot && _agents < _options.MaxAgents)
                {
                    _agents++;
                    rejoining++;
                    session.PendingRestore = snapshot;
                    session.SetJoining(true);
                    Track(Task.Run(() => RejoinAsync(session, snapshot), CancellationToken.None));
                }
            }

            if (!_disposed)
            {
                _saveTimer = _time.CreateTimer(_ => _ = SaveAsync(), null, _options.SessionSaveInterval,
                    _options.SessionSaveInterval);
            }
        }

        LogRestored(stored.Count, rejoining, _store.FilePath);
    }

    /// <summary>Writes every session (and its agent's snapshot) to the data folder; failures are logged, the next save tries again.</summary>
    public async Task SaveAsync()
    {
        if (_store is null)
        {
            return;
        }

        List<BridgeSession> sessions;
        lock (_gate)
        {
            sessions = [.. _sessions.Values];
        }

        await SaveSessionsAsync(sessions, waitForJoins: false).ConfigureAwait(false);
    }

    /// <summary>Starts the session's agent under <paramref name="name"/>; another tab's agent counts as joined.</summary>
    public Task<JoinOutcome> JoinAsync(BridgeSession session, string name, CancellationToken cancellationToken) =>
        JoinAsync(session, name, address: null, cancellationToken);

    /// <summary>
    /// Starts the session's agent under <paramref name="name"/> for a tab at <paramref name="address"/> (null: not counted
    /// per address); another tab's agent counts as joined.
    /// </summary>
    public async Task<JoinOutcome> JoinAsync(BridgeSession session, string name, IPAddress? address, CancellationToken cancellationToken)
    {
        name = (name ?? string.Empty).Trim();
        var valid = TextRules.ValidateName(name);
        if (!valid.IsValid)
        {
            return new JoinOutcome(false, valid.ErrorCode, valid.Message);
        }

        await session.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (session.Agent is not null)
            {
                return JoinOutcome.Joined;
            }

            lock (_gate)
            {
                if (_disposed)
                {
                    return new JoinOutcome(false, "stopping", "The bridge is shutting down.");
                }

                if (!IsRegistered(session))
                {
                    return new JoinOutcome(false, "session_ended", "This page's session has ended. Reload the page.");
                }

                if (address is not null)
                {
                    using var lease = _joins.AttemptAcquire(address);
                    if (!lease.IsAcquired)
                    {
                        _limits.Reached(AddressLimit.JoinsPerAddressPerMinute, address, _options.JoinsPerAddressPerMinute);
                        return new JoinOutcome(false, JoinOutcome.TooManyJoins, TooManyJoinsMessage);
                    }
                }

                if (_agents >= _options.MaxAgents)
                {
                    LogFull(_options.MaxAgents);
                    return new JoinOutcome(false, JoinOutcome.Full, FullMessage);
                }

                if (address is not null && _agentsByAddress.GetValueOrDefault(address) >= _options.MaxAgentsPerAddress)
                {
                    _limits.Reached(AddressLimit.AgentsPerAddress, address, _options.MaxAgentsPerAddress);
                    return new JoinOutcome(false, JoinOutcome.AddressFull, AddressFullMessage);
                }

                TakeSlot(address);
            }

            session.LastName = name;
            session.SetJoining(true);
            return await StartAgentAsync(session, name, address, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            session.Gate.Release();
        }
    }

    /// <summary>Says bye and disposes the session's agent now; the session goes back to the join screen.</summary>
    public async Task LeaveAsync(BridgeSession session, CancellationToken cancellationToken)
    {
        PeerAgent? agent;
        IPAddress? address;
        await session.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            agent = session.Agent;
            address = session.AgentAddress;
            if (agent is null)
            {
                return;
            }

            session.Drafts.Clear();
            session.SetAgent(null);
            session.AgentAddress = null;
        }
        finally
        {
            session.Gate.Release();
        }

        LogLeft(session.LogTag, agent.Name);
        await EndAgentAsync(agent, address).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        List<BridgeSession> sessions;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _saveTimer?.Dispose();
            _saveTimer = null;
            sessions = [.. _sessions.Values];
            _sessions.Clear();
            foreach (var session in sessions)
            {
                session.ExpiryGeneration++;
                session.ExpiryTimer?.Dispose();
                session.ExpiryTimer = null;
            }
        }

        try
        {
            await _disposing.CancelAsync().ConfigureAwait(false);
        }
        catch (AggregateException ex)
        {
            // A callback of a join in progress failed as it was cancelled: the sessions are still stored and ended below.
            LogStopFailed(ex);
        }

        if (_store is not null)
        {
            // Kept for the restart: the agents go without bye, so the server holds their names for their tokens.
            try
            {
                await SaveSessionsAsync(sessions, waitForJoins: true).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Whatever failed, every agent below is still ended; the sessions are lost for the next start, and said so.
                LogSaveFailed(ex, _store.FilePath);
            }
        }

        var endings = sessions.Select(s => EndSessionAsync(s, leave: _store is null)).ToList();
        lock (_gate)
        {
            endings.AddRange(_endings);
        }

        await Task.WhenAll(endings).ConfigureAwait(false);
        _disposing.Dispose();
        _joins.Dispose();
    }

    private async Task SaveSessionsAsync(List<BridgeSession> sessions, bool waitForJoins)
    {
        // At the stop, joins in progress end first, so that their agents are in the snapshot.
        foreach (var session in waitForJoins ? sessions : [])
        {
            await session.Gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            session.Gate.Release();
        }

        var stored = sessions.Select(s => new StoredSession(s.Id, s.LastName, new Dictionary<string, string>(s.Drafts, StringComparer.OrdinalIgnoreCase),
            Snapshot(s))).ToList();
        await _saveGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_finalSaveDone)
            {
                // A periodic save that was on its way when the bridge stopped: the save at the stop is the last word.
                return;
            }

            await _store!.SaveAllAsync(stored, CancellationToken.None).ConfigureAwait(false);
            if (waitForJoins)
            {
                _finalSaveDone = true;
                // Once, at the stop; the periodic saves stay out of the log.
                LogSaved(stored.Count, _store.FilePath);
            }
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            LogSaveFailed(ex, _store!.FilePath);
        }
        finally
        {
            _saveGate.Release();
        }
    }

    /// <summary>The session's agent as it is now; the snapshot it is rejoining with; null once its agent is gone (left meanwhile).</summary>
    private static Peer.Persistence.AgentSnapshot? Snapshot(BridgeSession session)
    {
        try
        {
            return session.Agent?.CaptureSnapshot() ?? session.PendingRestore;
        }
        catch (Exception ex) when (ex is ObjectDisposedException or System.Security.Cryptography.CryptographicException)
        {
            // The agent was disposed while the periodic save read it: it left, so there is nothing to keep.
            return null;
        }
    }

    private async Task RejoinAsync(BridgeSession session, Peer.Persistence.AgentSnapshot snapshot)
    {
        await session.Gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var outcome = await StartAgentAsync(session, snapshot.Name, address: null, CancellationToken.None, snapshot).ConfigureAwait(false);
            if (outcome.Success)
            {
                LogRejoined(session.LogTag, snapshot.Name);
            }
        }
        finally
        {
            session.PendingRestore = null;
            session.Gate.Release();
        }
    }

    private void StartExpiry(BridgeSession session)
    {
        // Called under _gate.
        var generation = ++session.ExpiryGeneration;
        session.ExpiryTimer?.Dispose();
        session.ExpiryTimer = _time.CreateTimer(_ => Expire(session, generation), null, _options.GracePeriod, Timeout.InfiniteTimeSpan);
    }

    private async Task<JoinOutcome> StartAgentAsync(BridgeSession session, string name, IPAddress? address,
        CancellationToken cancellationToken, Peer.Persistence.AgentSnapshot? restore = null)
    {
        PeerAgent? agent = null;
        var joined = false;
        var endpoint = _target.Known;
        using var timeout = new CancellationTokenSource(_options.JoinTimeout, _agentTime);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _disposing.Token);
        try
        {
            endpoint = await _target.ResolveAsync(linked.Token).ConfigureAwait(false);
            agent = _factory.Create(name, endpoint, restore);
            var result = await agent.StartAsync(linked.Token).ConfigureAwait(false);
            if (!result.Success)
            {
                LogJoinRefused(session.LogTag, name, result.ErrorCode);
                return new JoinOutcome(false, result.ErrorCode, Describe(result, endpoint));
            }

            session.AgentAddress = address;
            session.SetAgent(agent);
            joined = true;
            LogJoined(session.LogTag, name, agent.PeerPort);
            return JoinOutcome.Joined;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            LogJoinTimedOut(session.LogTag, name);
            return new JoinOutcome(false, JoinErrors.Unreachable, $"The chat server at {endpoint} did not answer in time.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The join screen's boundary: tell the user, keep the bridge running.
            LogJoinFailed(ex, session.LogTag, name);
            return new JoinOutcome(false, "failed", $"Could not join: {ex.Message}");
        }
        finally
        {
            if (!joined && agent is not null)
            {
                await EndAgentAsync(agent, address, leave: false).ConfigureAwait(false);
            }
            else if (!joined)
            {
                lock (_gate)
                {
                    FreeSlot(address);
                }
            }

            session.SetJoining(false);
        }
    }

    private string Describe(JoinResult result, RendezvousEndpoint endpoint) => result.ErrorCode switch
    {
        ErrorCodes.NameTaken => "That name is taken — choose another",
        JoinErrors.Unreachable => $"The chat server is not reachable at {endpoint}",
        JoinErrors.PortRangeExhausted => $"No free peer port between {_options.Agent.PeerPortMin} and {_options.Agent.PeerPortMax}. Try again later.",
        _ => result.Message ?? $"Could not join ({result.ErrorCode}).",
    };

    private bool IsRegistered(BridgeSession session) =>
        _sessions.TryGetValue(session.Id, out var held) && ReferenceEquals(held, session);

    private void Expire(BridgeSession session, long generation)
    {
        lock (_gate)
        {
            if (_disposed || session.ExpiryGeneration != generation || session.Circuits > 0 || !IsRegistered(session))
            {
                return;
            }

            session.ExpiryTimer?.Dispose();
            session.ExpiryTimer = null;
            _sessions.Remove(session.Id);
            LogExpired(session.LogTag, _options.GracePeriod);
            // Off the timer's thread and outside the lock: saying bye is network I/O.
            Track(Task.Run(() => EndSessionAsync(session), CancellationToken.None));
        }
    }

    private async Task EndSessionAsync(BridgeSession session) => await EndSessionAsync(session, leave: true).ConfigureAwait(false);

    private async Task EndSessionAsync(BridgeSession session, bool leave)
    {
        // Waits for a join in progress, so its agent is ended too.
        await session.Gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        PeerAgent? agent;
        IPAddress? address;
        try
        {
            agent = session.Agent;
            address = session.AgentAddress;
            session.SetAgent(null);
            session.AgentAddress = null;
        }
        finally
        {
            session.Gate.Release();
        }

        if (agent is not null)
        {
            await EndAgentAsync(agent, address, leave).ConfigureAwait(false);
        }
    }

    private async Task EndAgentAsync(PeerAgent agent, IPAddress? address, bool leave = true)
    {
        try
        {
            if (leave)
            {
                using var timeout = new CancellationTokenSource(_options.LeaveTimeout, _agentTime);
                await agent.LeaveAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // Best effort: the agent is disposed below either way, and the server notices the closed link.
            LogLeaveFailed(ex, agent.Name);
        }

        try
        {
            await agent.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogDisposeFailed(ex, agent.Name);
        }
        finally
        {
            lock (_gate)
            {
                FreeSlot(address);
            }
        }
    }

    private void TakeSlot(IPAddress? address)
    {
        // Called under _gate.
        _agents++;
        if (address is not null)
        {
            _agentsByAddress[address] = _agentsByAddress.GetValueOrDefault(address) + 1;
        }
    }

    private void FreeSlot(IPAddress? address)
    {
        // Called under _gate.
        _agents--;
        if (address is not null && _agentsByAddress.TryGetValue(address, out var count))
        {
            if (count <= 1)
            {
                _agentsByAddress.Remove(address);
            }
            else
            {
                _agentsByAddress[address] = count - 1;
            }
        }
    }

    private void Track(Task ending)
    {
        // Called under _gate.
        _endings.Add(ending);
        _ = ending.ContinueWith(t =>
        {
            lock (_gate)
            {
                _endings.Remove(t);
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    [LoggerMessage(1, LogLevel.Information, "Session {SessionId} joined as {Name} (peer port {PeerPort})")]
    private partial void LogJoined(string sessionId, string name, int peerPort);

    [LoggerMessage(2, LogLevel.Information, "Session {SessionId} could not join as {Name}: {ErrorCode}")]
    private partial void LogJoinRefused(string sessionId, string name, string? errorCode);

    [LoggerMessage(3, LogLevel.Warning, "Session {SessionId} timed out joining as {Name}")]
    private partial void LogJoinTimedOut(string sessionId, string name);

    [LoggerMessage(4, LogLevel.Error, "Session {SessionId} failed to join as {Name}")]
    private partial void LogJoinFailed(Exception exception, string sessionId, string name);

    [LoggerMessage(5, LogLevel.Warning, "The bridge is full ({MaxAgents} agents); a join was refused")]
    private partial void LogFull(int maxAgents);

    [LoggerMessage(6, LogLevel.Information, "Session {SessionId} ({Name}) left")]
    private partial void LogLeft(string sessionId, string name);

    [LoggerMessage(7, LogLevel.Information, "Session {SessionId} expired: no tab for {GracePeriod}")]
    private partial void LogExpired(string sessionId, TimeSpan gracePeriod);

    [LoggerMessage(8, LogLevel.Warning, "Agent {Name} could not say bye")]
    private partial void LogLeaveFailed(Exception exception, string name);

    [LoggerMessage(10, LogLevel.Information, "Restored {Count} sessions from {Path}; {Rejoining} agents rejoin")]
    private partial void LogRestored(int count, int rejoining, string path);

    [LoggerMessage(11, LogLevel.Error, "Could not read the stored sessions from {Path}; starting without them")]
    private partial void LogRestoreFailed(Exception exception, string path);

    [LoggerMessage(12, LogLevel.Error, "Could not store the sessions in {Path}")]
    private partial void LogSaveFailed(Exception exception, string path);

    [LoggerMessage(13, LogLevel.Information, "Stored {Count} sessions in {Path} for the next start")]
    private partial void LogSaved(int count, string path);

    [LoggerMessage(14, LogLevel.Information, "Session {SessionId} rejoined as {Name} after the bridge restarted")]
    private partial void LogRejoined(string sessionId, string name);

    [LoggerMessage(15, LogLevel.Debug, "Session {Session} started ({Count} sessions)")]
    private partial void LogSessionStarted(string session, int count);

    [LoggerMessage(16, LogLevel.Error, "A cancellation callback failed while the sessions stopped")]
    private partial void LogStopFailed(Exception exception);

    [LoggerMessage(9, LogLevel.Error, "Agent {Name} failed to dispose")]
    private partial void LogDisposeFailed(Exception exception, string name);
}
