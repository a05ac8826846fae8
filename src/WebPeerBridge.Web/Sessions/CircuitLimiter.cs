using System.Net;
using WebPeerBridge.Web.Hosting;

namespace WebPeerBridge.Web.Sessions;

/// <summary>
/// Counts the open circuits (tabs) per browser session and per remote address, and refuses one beyond
/// <see cref="BridgeOptions.MaxCircuitsPerSession"/> or <see cref="BridgeOptions.MaxCircuitsPerAddress"/>: each circuit
/// holds about 2 MB on the server.
/// </summary>
internal sealed class CircuitLimiter(BridgeOptions options, LimitLog limits)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _perSession = new(StringComparer.Ordinal);
    private readonly Dictionary<IPAddress, int> _perAddress = [];

    /// <summary>Open circuits of <paramref name="sessionId"/>.</summary>
    public int CountOf(string sessionId)
    {
        lock (_gate)
        {
            return _perSession.GetValueOrDefault(sessionId);
        }
    }

    /// <summary>Open circuits from <paramref name="address"/>.</summary>
    public int CountOf(IPAddress address)
    {
        lock (_gate)
        {
            return _perAddress.GetValueOrDefault(address);
        }
    }

    /// <summary>
    /// Counts a new circuit in, unless a limit is reached (null <paramref name="address"/>: not counted per address); an
    /// admitted one is counted out by <see cref="Close"/>.
    /// </summary>
    public CircuitAdmission Open(string sessionId, IPAddress? address)
    {
        CircuitAdmission admission;
        lock (_gate)
        {
            admission = AdmissionOf(sessionId, address);
            if (admission == CircuitAdmission.Admitted)
            {
                _perSession[sessionId] = _perSession.GetValueOrDefault(sessionId) + 1;
                if (address is not null)
                {
                    _perAddress[address] = _perAddress.GetValueOrDefault(address) + 1;
                }
            }
        }

        Report(admission, address);
        return admission;
    }

    /// <summary>
    /// Whether a page request from <paramref name="address"/> for <paramref name="sessionId"/> would get a circuit now,
    /// without counting one: a page whose circuit would be refused is answered without one.
    /// </summary>
    public CircuitAdmission Check(string sessionId, IPAddress address)
    {
        CircuitAdmission admission;
        lock (_gate)
        {
            admission = AdmissionOf(sessionId, address);
        }

        Report(admission, address);
        return admission;
    }

    /// <summary>Counts an admitted circuit out.</summary>
    public void Close(string sessionId, IPAddress? address)
    {
        lock (_gate)
        {
            Decrement(_perSession, sessionId);
            if (address is not null)
            {
                Decrement(_perAddress, address);
            }
        }
    }

    /// <summary>What a refused tab shows.</summary>
    public string Describe(CircuitAdmission admission) => admission switch
    {
        CircuitAdmission.SessionFull =>
            $"This browser has too many WebPeerBridge tabs open (at most {options.MaxCircuitsPerSession}). Close one and reload this page.",
        CircuitAdmission.AddressFull =>
            $"Too many WebPeerBridge tabs are open from your address (at most {options.MaxCircuitsPerAddress}). Close some and reload this page.",
        _ => string.Empty,
    };

    private CircuitAdmission AdmissionOf(string sessionId, IPAddress? address)
    {
        // Called under _gate.
        if (_perSession.GetValueOrDefault(sessionId) >= options.MaxCircuitsPerSession)
        {
            return CircuitAdmission.SessionFull;
        }

        return address is not null && _perAddress.GetValueOrDefault(address) >= options.MaxCircuitsPerAddress
            ? CircuitAdmission.AddressFull
            : CircuitAdmission.Admitted;
    }

    private void Report(CircuitAdmission admission, IPAddress? address)
    {
        switch (admission)
        {
            case CircuitAdmission.SessionFull:
                limits.Reached(AddressLimit.CircuitsPerSession, address ?? IPAddress.None, options.MaxCircuitsPerSession);
                break;
            case CircuitAdmission.AddressFull:
                limits.Reached(AddressLimit.CircuitsPerAddress, address!, options.MaxCircuitsPerAddress);
                break;
        }
    }

    private static void Decrement<TKey>(Dictionary<TKey, int> counts, TKey key)
        where TKey : notnull
    {
        if (counts.TryGetValue(key, out var count))
        {
            if (count <= 1)
            {
                counts.Remove(key);
            }
            else
            {
                counts[key] = count - 1;
            }
        }
    }
}
