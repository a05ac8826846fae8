using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace WebPeerBridge.Web.Hosting;

/// <summary>
/// At most <see cref="BridgeOptions.MaxConnectionsPerAddress"/> TCP connections open at once from one remote address
/// (Kestrel connection middleware): one more is closed at once, before a byte is read, so a host that opens hundreds of
/// idle connections holds none of the web app's memory beyond its share. Other addresses are not affected.
/// </summary>
internal sealed class ConnectionsPerAddress(IOptions<BridgeOptions> options, LimitLog limits)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, int> _open = [];
    private TaskCompletionSource _nextClose = NewSignal();

    /// <summary>Connections open now from <paramref name="address"/>.</summary>
    public int OpenFrom(IPAddress address)
    {
        lock (_gate)
        {
            return _open.GetValueOrDefault(address);
        }
    }

    /// <summary>Completes when the next counted connection has been counted out (for whoever must know it is gone).</summary>
    internal Task NextCloseAsync()
    {
        lock (_gate)
        {
            return _nextClose.Task;
        }
    }

    /// <summary>Adds the limit to every endpoint Kestrel listens on.</summary>
    public void Apply(KestrelServerOptions kestrel) =>
        kestrel.ConfigureEndpointDefaults(listen => listen.Use(next => context => ServeAsync(next, context)));

    private async Task ServeAsync(ConnectionDelegate next, ConnectionContext connection)
    {
        var address = ClientAddress.Parse((connection.RemoteEndPoint as IPEndPoint)?.Address.ToString());
        if (IsTrustedProxy(address))
        {
            // A proxy carries many browsers: their requests are counted by the address it forwards.
            await next(connection).ConfigureAwait(false);
            return;
        }

        if (!TryOpen(address))
        {
            limits.Reached(AddressLimit.ConnectionsPerAddress, address, options.Value.MaxConnectionsPerAddress);
            connection.Abort(new ConnectionAbortedException("Too many connections from this address."));
            return;
        }

        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            Close(address);
        }
    }

    private bool IsTrustedProxy(IPAddress address) =>
        options.Value.TrustedProxies.Exists(proxy => ClientAddress.Parse(proxy).Equals(address));

    private bool TryOpen(IPAddress address)
    {
        lock (_gate)
        {
            var open = _open.GetValueOrDefault(address);
            if (open >= options.Value.MaxConnectionsPerAddress)
            {
                return false;
            }

            _open[address] = open + 1;
            return true;
        }
    }

    private void Close(IPAddress address)
    {
        TaskCompletionSource closed;
        lock (_gate)
        {
            if (_open.TryGetValue(address, out var open) && open > 1)
            {
                _open[address] = open - 1;
            }
            else
            {
                _open.Remove(address);
            }

            closed = _nextClose;
            _nextClose = NewSignal();
        }

        closed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
