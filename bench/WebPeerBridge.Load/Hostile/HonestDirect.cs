using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace WebPeerBridge.Load.Hostile;

/// <summary>
/// An honest peer written by hand to the wire protocol: registers on the rendezvous server, opens a plain v1 link to the
/// terminal peer (a demo peer, which echoes direct messages) and sends one dm at a time, timing its ack.
/// </summary>
internal sealed class HonestDirect : IAsyncDisposable
{
    private readonly List<long> _roundTrips = [];
    private readonly Dictionary<string, TaskCompletionSource> _waiting = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _linkLoop = Task.CompletedTask;
    private int _next;
    private Socket? _rendezvous;
    private Socket? _link;
    private StreamReader? _linkReader;
    private Task _rendezvousDrain = Task.CompletedTask;

    public string Name { get; } = "hdm";

    public int Failures { get; private set; }

    public string? Error { get; private set; }

    public long[] RoundTrips => [.. _roundTrips];

    /// <summary>Registers from <paramref name="from"/> and links to the terminal peer at <paramref name="peer"/>.</summary>
    public async Task StartAsync(IPAddress from, IPEndPoint server, IPEndPoint peer, CancellationToken cancellationToken)
    {
        _rendezvous = await AttackerSocket.ConnectAsync(from, server, cancellationToken).ConfigureAwait(false);
        // peerPort 1: nothing listens there, so the demo peer answers on the link this side opened.
        await AttackerSocket.SendAsync(_rendezvous, $$"""{"type":"hello","version":1,"name":"{{Name}}","peerPort":1}""" + "\n", cancellationToken)
            .ConfigureAwait(false);
        var rendezvousReader = new StreamReader(new NetworkStream(_rendezvous, ownsSocket: false), Encoding.UTF8);
        var welcome = await rendezvousReader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (welcome is null || !welcome.Contains("\"welcome\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{Name} was not welcomed: {welcome}");
        }

        _rendezvousDrain = DrainAsync(rendezvousReader, _rendezvous, _stop.Token);

        _link = await AttackerSocket.ConnectAsync(from, peer, cancellationToken).ConfigureAwait(false);
        _linkReader = new StreamReader(new NetworkStream(_link, ownsSocket: false), Encoding.UTF8);
        await AttackerSocket.SendAsync(_link, $$"""{"type":"hello","version":1,"name":"{{Name}}"}""" + "\n", cancellationToken).ConfigureAwait(false);
        var hello = await _linkReader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (hello is null || !hello.Contains("\"hello\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The terminal peer did not answer {Name}'s hello: {hello}");
        }

        _linkLoop = Task.Run(() => ReadLinkAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>
    /// One dm every <paramref name="interval"/> until <paramref name="until"/> ends, each timed until its ack (the
    /// terminal peer has it: the product's receipt). The demo peer's echoes are acknowledged and not timed: they wait in
    /// its queue behind its greetings to every newcomer, which the flood's registrations keep coming.
    /// </summary>
    public async Task ChatAsync(TimeSpan interval, CancellationToken until)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(until).ConfigureAwait(false))
            {
                var id = "d-" + _next++.ToString(CultureInfo.InvariantCulture);
                var acked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                lock (_waiting)
                {
                    _waiting[id] = acked;
                }

                var started = Stopwatch.GetTimestamp();
                var at = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
                await SendAsync($$"""{"type":"dm","id":"{{id}}","text":"ping {{id}}","at":"{{at}}"}""", until).ConfigureAwait(false);
                try
                {
                    await acked.Task.WaitAsync(TimeSpan.FromSeconds(10), until).ConfigureAwait(false);
                    _roundTrips.Add(Stopwatch.GetTimestamp() - started);
                }
                catch (TimeoutException)
                {
                    Failures++;
                    Error ??= $"no ack for {id} within 10 s";
                }
                finally
                {
                    lock (_waiting)
                    {
                        _waiting.Remove(id);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (until.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            Error ??= ex.Message;
            Failures++;
        }
    }

    // The link's one reader: acks complete their waiter; the demo peer's echoes are acknowledged.
    private async Task ReadLinkAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _linkReader!.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                using var frame = JsonDocument.Parse(line);
                var type = frame.RootElement.GetProperty("type").GetString();
                var id = frame.RootElement.TryGetProperty("id", out var value) ? value.GetString() : null;
                if (type == "ack" && id is not null)
                {
                    lock (_waiting)
                    {
                        _waiting.GetValueOrDefault(id)?.TrySetResult();
                    }
                }
                else if (type == "dm" && id is not null)
                {
                    await SendAsync($$"""{"type":"ack","id":"{{id}}"}""", cancellationToken).ConfigureAwait(false);
                }
                else if (type is "bye" or "error")
                {
                    Error ??= "the terminal peer ended the honest link: " + line;
                    return;
                }
            }

            Error ??= "the terminal peer closed the honest link";
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException or JsonException)
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                Error ??= ex.Message;
            }
        }
    }

    private async Task SendAsync(string frame, CancellationToken cancellationToken)
    {
        await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await AttackerSocket.SendAsync(_link!, frame + "\n", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendGate.Release();
        }
    }

    // Reads the rendezvous link (joins, leaves, broadcasts) and pings it every 15 s, so the server keeps this client.
    private static async Task DrainAsync(StreamReader reader, Socket socket, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pings = PingAsync(socket, stop.Token);
        try
        {
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }

        await stop.CancelAsync().ConfigureAwait(false);
        await pings.ConfigureAwait(false);
    }

    private static async Task PingAsync(Socket socket, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(15));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await AttackerSocket.SendAsync(socket, """{"type":"ping"}""" + "\n", cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _link?.Dispose();
        _rendezvous?.Dispose();
        await _rendezvousDrain.ConfigureAwait(false);
        await _linkLoop.ConfigureAwait(false);
        _linkReader?.Dispose();
        _sendGate.Dispose();
        _stop.Dispose();
    }
}
