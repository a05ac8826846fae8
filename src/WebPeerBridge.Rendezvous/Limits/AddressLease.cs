using System.Net;

namespace WebPeerBridge.Rendezvous.Limits;

/// <summary>
/// One accepted connection's share of its address's counts: the connection itself and, once it says hello, its
/// registration. Disposing releases both, once (the connection disposes it before its socket closes, so a client that
/// sees the close may connect again at once; the server disposes it again after the connection ends, for early closes).
/// </summary>
internal sealed class AddressLease(AddressLimits limits, IPAddress address) : IDisposable
{
    private int _registered;
    private int _disposed;

    public IPAddress Address => address;

    /// <summary>Counts the connection's hello against the registration limits; a refusal is logged (once a minute).</summary>
    public LimitVerdict TryRegister()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return LimitVerdict.Allowed;
        }

        var verdict = limits.TryRegister(address);
        if (verdict == LimitVerdict.Allowed)
        {
            Volatile.Write(ref _registered, 1);
        }
        else
        {
            limits.Refused(address, verdict);
        }

        return verdict;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (Interlocked.Exchange(ref _registered, 0) != 0)
        {
            limits.EndRegistration(address);
        }

        limits.CloseConnection(address);
    }
}
