using System.Net;
using Microsoft.Extensions.Logging;
using WebPeerBridge.Protocol.Limits;

namespace WebPeerBridge.Rendezvous.Limits;

/// <summary>
/// Counts connections and registrations per remote address and overall, and the registrations each address started in
/// the current minute (DESIGN.md, "A hostile host on the LAN harms only itself"). Trusted addresses (a bridge's host) are
/// exempt from the per-address limits, not from the overall one. A refusal is logged once per address and minute, never
/// per attempt (<see cref="OncePerInterval{TKey}"/>).
/// </summary>
internal sealed partial class AddressLimits
{
    private static readonly TimeSpan s_minute = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, Entry> _entries = [];
    private readonly HashSet<IPAddress> _trusted;
    private readonly RendezvousOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AddressLimits> _logger;
    private readonly OncePerInterval<IPAddress> _logOnce;
    private int _connections;

    public AddressLimits(RendezvousOptions options, TimeProvider time, ILogger<AddressLimits> logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _logOnce = new OncePerInterval<IPAddress>(s_minute, time);
        _trusted = [.. options.TrustedAddresses.Select(a => Normalize(IPAddress.Parse(a)))];
    }

    /// <summary>IPv4-mapped IPv6 as IPv4, so that one host is one address whichever way it came in.</summary>
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>Counts a new connection from <paramref name="address"/> unless a limit is reached; the lease releases it.</summary>
    public LimitVerdict TryOpenConnection(IPAddress address, out AddressLease? lease)
    {
        lease = null;
        lock (_gate)
        {
            if (_connections >= _options.MaxConnections)
            {
                return LimitVerdict.TooManyConnections;
            }

            var entry = GetEntry(address);
            if (!_trusted.Contains(address) && entry.Connections >= _options.MaxConnectionsPerAddress)
            {
                return LimitVerdict.TooManyConnectionsFromAddress;
            }

            entry.Connections++;
            _connections++;
            lease = new AddressLease(this, address);
            return LimitVerdict.Allowed;
        }
    }

    internal void CloseConnection(IPAddress address)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(address, out var entry) && entry.Connections > 0)
            {
                entry.Connections--;
                _connections--;
                Forget(address, entry);
            }
        }
    }

    /// <summary>Counts a registration from <paramref name="address"/> unless a limit is reached; released by <see cref="EndRegistration"/>.</summary>
    internal LimitVerdict TryRegister(IPAddress address)
    {
        lock (_gate)
        {
            var entry = GetEntry(address);
            if (!_trusted.Contains(address))
            {
                var now = _time.GetTimestamp();
                if (_time.GetElapsedTime(entry.MinuteStarted, now) >= s_minute)
                {
                    entry.MinuteStarted = now;
                    entry.RegistrationsThisMinute = 0;
                }

                if (entry.RegistrationsThisMinute >= _options.MaxRegistrationsPerAddressPerMinute)
                {
                    return LimitVerdict.TooManyRegistrationsPerMinute;
                }

                entry.RegistrationsThisMinute++;
                if (entry.Registrations >= _options.MaxRegistrationsPerAddress)
                {
                    return LimitVerdict.TooManyRegistrationsFromAddress;
                }
            }

            entry.Registrations++;
            return LimitVerdict.Allowed;
        }
    }

    internal void EndRegistration(IPAddress address)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(address, out var entry) && entry.Registrations > 0)
            {
                entry.Registrations--;
                Forget(address, entry);
            }
        }
    }

    /// <summary>Logs a refusal of <paramref name="address"/>: the first one in each minute, so that a flood fills no disk.</summary>
    public void Refused(IPAddress address, LimitVerdict verdict)
    {
        if (_logOnce.TryEnter(address))
        {
            LogRefused(address.ToString(), verdict);
        }
    }

    private Entry GetEntry(IPAddress address)
    {
        if (!_entries.TryGetValue(address, out var entry))
        {
            if (_entries.Count >= _options.MaxConnections)
            {
                // Addresses with nothing open stay only for their minute's counts: drop those whose minute is over; if that
                // is not enough (more addresses than connections in one minute), drop them all, so the table stays bounded.
                Prune(expiredOnly: true);
                if (_entries.Count >= 2 * _options.MaxConnections)
                {
                    Prune(expiredOnly: false);
                }
            }

            entry = new Entry { MinuteStarted = _time.GetTimestamp() };
            _entries[address] = entry;
        }

        return entry;
    }

    // An address with nothing open is kept while its minute's counts still matter.
    private void Forget(IPAddress address, Entry entry)
    {
        if (entry.Connections == 0 && entry.Registrations == 0 && entry.RegistrationsThisMinute == 0)
        {
            _entries.Remove(address);
        }
    }

    private void Prune(bool expiredOnly)
    {
        var now = _time.GetTimestamp();
        foreach (var (address, entry) in _entries.ToArray())
        {
            if (entry.Connections == 0 && entry.Registrations == 0 && (!expiredOnly
                || _time.GetElapsedTime(entry.MinuteStarted, now) >= s_minute))
            {
                _entries.Remove(address);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Refused {Address}: {Verdict} (logged once per address and minute)")]
    private partial void LogRefused(string address, LimitVerdict verdict);

    private sealed class Entry
    {
        public int Connections;
        public int Registrations;
        public long MinuteStarted;
        public int RegistrationsThisMinute;
    }
}
