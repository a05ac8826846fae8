using System.Diagnostics;
using System.Net;
using WebPeerBridge.Load.Stats;

namespace WebPeerBridge.Load.Fanout;

/// <summary>
/// Runs the fan-out scenario: connects every client at once (the join storm), reads the server's memory before and
/// after, then runs each send phase and gathers delivery counts and latencies. Bounded by <see cref="FanoutOptions.Timeout"/>.
/// </summary>
internal sealed class FanoutRunner(FanoutOptions options, TextWriter progress)
{
    private static readonly TimeSpan s_keepaliveInterval = TimeSpan.FromSeconds(20);

    public async Task<FanoutResult> RunAsync(CancellationToken cancellationToken)
    {
        options.Validate();
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(options.Timeout);
        var ct = bounded.Token;

        var dialect = TargetDialect.For(options.Target);
        var server = new IPEndPoint(IPAddress.Parse(options.Host), options.Port);
        var clients = Enumerable.Range(0, options.Clients).Select(i => new LoadClient(i, dialect)).ToArray();
        var errors = new List<string>();
        try
        {
            var rssBefore = ReadRss();
            progress.WriteLine($"[{options.Target}] join storm: {options.Clients} clients to {server}");
            var serverCpuBefore = ReadCpu();
            var toolCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var (ready, joinStorm) = await JoinStormAsync(clients, server, ct).ConfigureAwait(false);
            var joinServerCpu = ReadCpu() - serverCpuBefore;
            var joinToolCpu = Process.GetCurrentProcess().TotalProcessorTime - toolCpuBefore;
            errors.AddRange(clients.Where(c => c.Error is not null).Select(c => $"{TargetDialect.NameOf(c.Index)}: {c.Error}").Take(5));
            progress.WriteLine($"[{options.Target}] {ready}/{options.Clients} ready in {joinStorm.TotalMilliseconds:N0} ms");

            await Task.Delay(options.Settle, ct).ConfigureAwait(false);
            var rssAfter = ReadRss();
            var rssWithExtra = ready == options.Clients && options.ExtraClients > 0 && options.ServerPid is not null
                ? await MeasureExtraClientsAsync(dialect, server, ct).ConfigureAwait(false)
                : null;

            var phases = new List<PhaseResult>();
            if (ready == options.Clients)
            {
                var keepalive = new KeepaliveLoop(clients, dialect.Keepalive, s_keepaliveInterval);
                await using var keepaliveScope = keepalive.ConfigureAwait(false);
                if (options.WarmupMessages > 0)
                {
                    var warmup = await RunPhaseAsync(clients, dialect, 0, options.WarmupMessages, ct).ConfigureAwait(false);
                    progress.WriteLine($"[{options.Target}] warm-up: {warmup.Delivered:N0}/{warmup.Expected:N0} delivered");
                }

                foreach (var rate in options.Rates)
                {
                    var phase = await RunPhaseAsync(clients, dialect, rate, options.Messages, ct).ConfigureAwait(false);
                    phases.Add(phase);
                    progress.WriteLine($"[{options.Target}] rate {Describe(rate)}: {phase.Delivered:N0}/{phase.Expected:N0} delivered, " +
                        $"{phase.DeliveredPerSecond:N0} deliveries/s, {phase.Latency}{(phase.Stalled ? " (stalled)" : "")}");
                    errors.AddRange(clients.Where(c => c.Error is not null).Select(c => $"{TargetDialect.NameOf(c.Index)}: {c.Error}").Take(5));
                }
            }
            else
            {
                errors.Add($"only {ready} of {options.Clients} clients got ready: no send phase ran");
            }

            return new FanoutResult(options.Target, options.Clients, ready, joinStorm, joinServerCpu, joinToolCpu, rssBefore, rssAfter,
                options.ExtraClients, rssWithExtra, [.. errors.Distinct().Take(10)], phases);
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask())).ConfigureAwait(false);
        }
    }

    /// <summary>Connects the extra clients, reads the server's memory once they are ready and settled, then closes them.</summary>
    private async Task<long?> MeasureExtraClientsAsync(TargetDialect dialect, EndPoint server, CancellationToken ct)
    {
        var extra = Enumerable.Range(options.Clients, options.ExtraClients).Select(i => new LoadClient(i, dialect)).ToArray();
        try
        {
            await Task.WhenAll(extra.Select(c => c.ConnectAsync(server, ct))).ConfigureAwait(false);
            await Task.WhenAll(extra.Select(c => c.Ready)).WaitAsync(options.StallTimeout + options.StallTimeout, ct).ConfigureAwait(false);
            await Task.Delay(options.Settle, ct).ConfigureAwait(false);
            var rss = ReadRss();
            progress.WriteLine($"[{options.Target}] {extra.Length} extra clients ready; server RSS {rss / 1024 / 1024:N1} MB");
            return rss;
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or System.Net.Sockets.SocketException)
        {
            progress.WriteLine($"[{options.Target}] extra clients: {ex.Message}");
            return null;
        }
        finally
        {
            await Task.WhenAll(extra.Select(c => c.DisposeAsync().AsTask())).ConfigureAwait(false);

            // Their leaves reach everybody: let that pass before anything is measured.
            await Task.Delay(options.Settle, ct).ConfigureAwait(false);
        }
    }

    public static string Describe(double rate) => rate switch
    {
        0 => "closed loop",
        FanoutOptions.Burst => "burst",
        _ => $"{rate:N0}/s",
    };

    private async Task<(int Ready, TimeSpan Elapsed)> JoinStormAsync(LoadClient[] clients, IPEndPoint server, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        if (options.ConnectParallelism <= 0)
        {
            await Task.WhenAll(clients.Select(c => c.ConnectAsync(options.EndPointFor(c.Index, server), ct))).ConfigureAwait(false);
        }
        else
        {
            await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = options.ConnectParallelism, CancellationToken = ct },
                (c, token) => new ValueTask(c.ConnectAsync(options.EndPointFor(c.Index, server), token))).ConfigureAwait(false);
        }

        // Every client either gets ready or fails; the stall timeout bounds a server that answers nobody.
        var all = Task.WhenAll(clients.Select(c => c.Ready));
        try
        {
            await all.WaitAsync(options.StallTimeout + options.StallTimeout, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException)
        {
            // Counted below.
        }

        var ready = clients.Where(c => c.Ready.IsCompletedSuccessfully).ToArray();
        var last = ready.Length == 0 ? started : ready.Max(c => c.ReadyAt);
        return (ready.Length, Stopwatch.GetElapsedTime(started, last));
    }

    private async Task<PhaseResult> RunPhaseAsync(LoadClient[] clients, TargetDialect dialect, double rate, int messages, CancellationToken ct)
    {
        var senders = options.Senders;
        var recorders = clients.Select(c => c.BeginPhase(Expected(c, dialect, messages), senders)).ToArray();
        var expected = recorders.Sum(r => (long)r.Expected);

        // Closed loop: a sender may send once the last client (never a sender) has seen what is in flight.
        using var window = new SemaphoreSlim(options.Window, options.Window);
        var observer = clients[^1];
        observer.OnBroadcast = rate == 0 ? () => window.Release() : null;

        var serverCpuBefore = ReadCpu();
        var toolCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        long sent = 0;
        var stalled = false;

        var senderTasks = Enumerable.Range(0, senders).Select(s => Task.Run(async () =>
        {
            var buffer = new byte[256 + options.Padding];
            for (var n = 0; n < messages; n++)
            {
                if (rate > 0)
                {
                    var due = started + (long)((n * (double)senders + s) * Stopwatch.Frequency / rate);
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                    if (wait > TimeSpan.FromMilliseconds(1))
                    {
                        await Task.Delay(wait, ct).ConfigureAwait(false);
                    }
                }
                else if (!await window.WaitAsync(options.StallTimeout, ct).ConfigureAwait(false))
                {
                    stalled = true;
                    return;
                }

                var length = dialect.WriteBroadcast(buffer, s, n, Stopwatch.GetTimestamp(), options.Padding);
                try
                {
                    await clients[s].SendAsync(buffer.AsMemory(0, length), ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
                {
                    // The server dropped this sender (a slow consumer, say): the counts tell.
                    stalled = true;
                    return;
                }

                Interlocked.Increment(ref sent);
            }
        }, ct)).ToArray();
        await Task.WhenAll(senderTasks).ConfigureAwait(false);
        var sendElapsed = Stopwatch.GetElapsedTime(started);

        stalled |= !await DrainAsync(recorders, expected, ct).ConfigureAwait(false);
        observer.OnBroadcast = null;

        var serverCpuAfter = ReadCpu();
        var toolCpu = Process.GetCurrentProcess().TotalProcessorTime - toolCpuBefore;
        var delivered = recorders.Sum(r => (long)r.Count);
        var lastAt = recorders.Max(r => r.LastAt);
        var latencies = new long[delivered];
        var at = 0;
        foreach (var recorder in recorders)
        {
            recorder.Latencies.CopyTo(latencies.AsSpan(at));
            at += recorder.Latencies.Length;
        }

        return new PhaseResult(
            rate,
            options.Window,
            Interlocked.Read(ref sent),
            expected,
            delivered,
            recorders.Count(r => r.Count == r.Expected),
            recorders.Min(r => (long)r.Count),
            recorders.Sum(r => (long)r.OutOfOrder),
            lastAt > started ? Stopwatch.GetElapsedTime(started, lastAt) : TimeSpan.Zero,
            sendElapsed,
            LatencySummary.FromTicks(latencies),
            serverCpuBefore is { } b && serverCpuAfter is { } a ? a - b : null,
            toolCpu,
            stalled);
    }

    private int Expected(LoadClient client, TargetDialect dialect, int messages) =>
        messages * (client.Index < options.Senders && !dialect.SenderReceivesOwn ? options.Senders - 1 : options.Senders);

    /// <summary>Waits until every delivery arrived, or nothing more arrived for the stall timeout. True when complete.</summary>
    private async Task<bool> DrainAsync(PhaseRecorder[] recorders, long expected, CancellationToken ct)
    {
        var lastProgress = Stopwatch.GetTimestamp();
        long lastCount = -1;
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (true)
        {
            long count = 0;
            foreach (var recorder in recorders)
            {
                count += recorder.Count;
            }

            if (count >= expected)
            {
                return true;
            }

            if (count != lastCount)
            {
                lastCount = count;
                lastProgress = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastProgress) > options.StallTimeout)
            {
                return false;
            }

            await tick.WaitForNextTickAsync(ct).ConfigureAwait(false);
        }
    }

    private long? ReadRss() => options.ServerPid is { } pid ? ProcessProbe.ResidentBytes(pid) : null;

    private TimeSpan? ReadCpu() => options.ServerPid is { } pid ? ProcessProbe.CpuTime(pid) : null;
}
