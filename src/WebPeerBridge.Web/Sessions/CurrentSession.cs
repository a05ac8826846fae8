using System.Net;
using WebPeerBridge.Peer;
using WebPeerBridge.Peer.Changes;

namespace WebPeerBridge.Web.Sessions;

/// <summary>
/// Hands a circuit its browser session and the session's peer agent. Scoped: one per circuit. The circuit counts as
/// attached while its connection is up (see <see cref="SessionCircuitHandler"/>); disposing it (the circuit closed)
/// detaches it.
/// </summary>
internal sealed class CurrentSession(SessionRegistry registry) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Subscribers<CurrentSession> _changed = new();
    private string? _sessionId;
    private IPAddress? _address;
    private CircuitAdmission? _admission;
    private BridgeSession? _session;
    private IDisposable? _sessionSubscription;
    private bool _attached;
    private bool _disposed;

    public SessionRegistry Registry => registry;

    /// <summary>Whether <see cref="Initialize"/> ran.</summary>
    public bool IsInitialized => _session is not null;

    /// <summary>The browser session; set by <see cref="Initialize"/>.</summary>
    public BridgeSession Session => _session ?? throw new InvalidOperationException("The session is not initialized.");

    /// <summary>The session's agent once joined.</summary>
    public PeerAgent? Agent => _session?.Agent;

    /// <summary>
    /// Binds this circuit, opened from <paramref name="address"/> (null: not counted per address), to the browser session
    /// <paramref name="sessionId"/> and attaches it, unless the circuit limits refuse it.
    /// </summary>
    public CircuitAdmission Initialize(string sessionId, IPAddress? address = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        lock (_gate)
        {
            if (_admission is { } known)
            {
                return known;
            }

            var admission = registry.Circuits.Open(sessionId, address);
            _admission = admission;
            if (admission != CircuitAdmission.Admitted)
            {
                return admission;
            }

            _sessionId = sessionId;
            _address = address;
        }

        Attach();
        return CircuitAdmission.Admitted;
    }

    /// <summary>Counts this circuit in; after the session expired while detached, binds to its new session.</summary>
    public void Attach()
    {
        var changed = false;
        lock (_gate)
        {
            if (_sessionId is null || _attached || _disposed)
            {
                return;
            }

            var session = registry.Attach(_sessionId);
            _attached = true;
            if (!ReferenceEquals(session, _session))
            {
                _sessionSubscription?.Dispose();
                _session = session;
                _sessionSubscription = session.Subscribe(() => _changed.Notify(this));
                changed = true;
            }
        }

        if (changed)
        {
            _changed.Notify(this);
        }
    }

    /// <summary>Counts this circuit out (its connection dropped or it closed).</summary>
    public void Detach()
    {
        lock (_gate)
        {
            if (!_attached)
            {
                return;
            }

            _attached = false;
            registry.Detach(_session!);
        }
    }

    /// <summary>Calls <paramref name="onChanged"/> when the session joins, leaves, or is replaced.</summary>
    public IDisposable Subscribe(Action onChanged) => _changed.Subscribe(_ => onChanged());

    public Task<JoinOutcome> JoinAsync(string name, CancellationToken cancellationToken) =>
        registry.JoinAsync(Session, name, _address, cancellationToken);

    public Task LeaveAsync(CancellationToken cancellationToken) => registry.LeaveAsync(Session, cancellationToken);

    public void Dispose()
    {
        Detach();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _sessionSubscription?.Dispose();
            if (_sessionId is not null)
            {
                registry.Circuits.Close(_sessionId, _address);
            }
        }
    }
}
