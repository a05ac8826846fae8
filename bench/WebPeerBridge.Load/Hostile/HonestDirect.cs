using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace WebPeerBridge.Load.Hostile;

/// <summary>
/// An honest peer written by hand to the wire protocol: registers on the rendezvous server, opens a plain v1 link to the
/// terminal peer (a demo peer, which echoes direct messages) and sends one dm at a time, timing its ack and its echo.
/// </summary>
internal sealed class HonestDirect : IAsyncDisposable
{
    private readonly List<long> _roundTrips = [];
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

        _rendezvousDrain = DrainAsync(rendezvousReader, _rendezvous, cancellationToken);

        _link = await AttackerSocket.ConnectAsync(from, peer, cancellationToken).ConfigureAwait(false);
        _linkReader = new StreamReader(new NetworkStream(_link, ownsSocket: false), Encoding.UTF8);
        await AttackerSocket.SendAsync(_link, $$"""{"type":"hello","version":1,"name":"{{Name}}"}""" + "\n", cancellationToken).ConfigureAwait(false);
        var hello = await _linkReader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (hello is null || !hello.Contains("\"hello\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The terminal peer did not answer {Name}'s hello: {hello}");
        }
    }

    /// <summary>One dm every <paramref name="interval"/> until <paramref name="until"/> ends: time to its echo.</summary>
    public async Task ChatAsync(TimeSpan interval, CancellationToken until)
    {
        using var timer = new PeriodicTimer(interval);
        var number = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(until).ConfigureAwait(false))
            {
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    var started = Stopwatch.GetTimestamp();
                    await RoundTripAsync(number++, deadline.Token).ConfigureAwait(false);
                    _roundTrips.Add(Stopwatch.GetTimestamp() - started);
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested)
                {
                    Failures++;
                }
            }
        }
        catch (OperationCanceledException) when (until.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or SocketException or InvalidOperationException)
        {
            Error ??= ex.Message;
            Failures++;
        }
    }

    private async Task RoundTripAsync(int number, CancellationToken cancellationToken)
    {
        var id = "d-" + number.ToString(CultureInfo.InvariantCulture);
        var at = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        await AttackerSocket.SendAsync(_link!, $$"""{"type":"dm","id":"{{id}}","text":"ping {{number}}","at":"{{at}}"}""" + "\n", cancellationToken)
            .ConfigureAwait(false);
        bool acked = false, echoed = false;
        while (!acked || !echoed)
        {
            var line = await _linkReader!.ReadLineAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The terminal peer closed the honest link.");
            using var frame = JsonDocument.Parse(line);
            var type = frame.RootElement.GetProperty("type").GetString();
            if (type == "ack" && frame.RootElement.GetProperty("id").GetString() == id)
            {
                acked = true;
            }
            else if (type == "dm")
            {
                var echoId = frame.RootElement.GetProperty("id").GetString();
                await AttackerSocket.SendAsync(_link!, $$"""{"type":"ack","id":"{{echoId}}"}""" + "\n", cancellationToken).ConfigureAwait(false);
                echoed = true;
            }
            else if (type == "bye" || type == "error")
            {
                throw new InvalidOperationException("The terminal peer ended the honest link: " + line);
            }
        }
    }

    // Reads the rendezvous link (joins, leaves, broadcasts) and pings it, so the server keeps this client.
    private static async Task DrainAsync(StreamReader reader, Socket socket, CancellationToken cancellationToken)
    {
        var lastPing = Stopwatch.GetTimestamp();
        try
        {
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                if (Stopwatch.GetElapsedTime(lastPing) > TimeSpan.FromSeconds(15))
                {
                    lastPing = Stopwatch.GetTimestamp();
                    await AttackerSocket.SendAsync(socket, """{"type":"ping"}""" + "\n", cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _link?.Dispose();
        _rendezvous?.Dispose();
        await _rendezvousDrain.ConfigureAwait(false);
        _linkReader?.Dispose();
    }
}
