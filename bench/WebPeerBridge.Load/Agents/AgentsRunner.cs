using System.Diagnostics;
using WebPeerBridge.Load.Stats;
using WebPeerBridge.Peer;
using WebPeerBridge.Peer.Conversations;

namespace WebPeerBridge.Load.Agents;

/// <summary>
/// Starts <see cref="AgentsOptions.Count"/> PeerAgents at once in this process and reports the time to start them and the
/// managed heap and resident memory each one adds; then pairs of agents exchange direct messages, one at a time per pair,
/// each waited for until its ack marks it delivered.
/// </summary>
internal sealed class AgentsRunner(AgentsOptions options, TextWriter progress)
{
    public async Task<AgentsResult> RunAsync(CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(options.Timeout);
        var ct = bounded.Token;
        var agents = new List<PeerAgent>(options.Count);
        var errors = new List<string>();
        try
        {
            var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            var rssBefore = Environment.WorkingSet;
            progress.WriteLine($"[agents] starting {options.Count} agents against {options.Host}:{options.Port}");
            for (var i = 0; i < options.Count; i++)
            {
                agents.Add(new PeerAgent(new PeerAgentOptions
                {
                    Name = "a" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    RendezvousHost = options.Host,
                    RendezvousPort = options.Port,
                    BindAddress = "127.0.0.1",
                    PeerPortMin = options.PeerPortMin,
                    PeerPortMax = Math.Min(65535, options.PeerPortMin + options.Count + 200),
                    PublishKey = !options.PlainLinks,
                    // Round trips as fast as they go: far past what a person sends, so past the per-link rate too.
                    DirectMessageBurst = 100_000,
                    DirectMessagesPerSecond = 100_000,
                }));
            }

            var started = Stopwatch.GetTimestamp();
            var joins = await Task.WhenAll(agents.Select(a => a.StartAsync(ct))).ConfigureAwait(false);
            var startElapsed = Stopwatch.GetElapsedTime(started);
            var ok = joins.Count(j => j.Success);
            errors.AddRange(joins.Where(j => !j.Success).Select(j => $"{j.ErrorCode}: {j.Message}").Distinct().Take(5));
            progress.WriteLine($"[agents] {ok}/{options.Count} online in {startElapsed.TotalMilliseconds:N0} ms");

            await Task.Delay(options.Settle, ct).ConfigureAwait(false);
            var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
            var rssAfter = Environment.WorkingSet;

            var pairs = ok == options.Count ? Math.Min(options.Pairs, options.Count / 2) : 0;
            var linkOpen = pairs > 0 ? await OpenLinksAsync(agents, pairs, errors, ct).ConfigureAwait(false) : LatencySummary.Empty;
            progress.WriteLine($"[agents] {pairs} {(options.PlainLinks ? "plain" : "TLS")} links opened one at a time, {linkOpen}");
            var (roundTrips, dmElapsed, latency) = pairs > 0
                ? await RoundTripsAsync(agents, pairs, errors, ct).ConfigureAwait(false)
                : (0L, TimeSpan.Zero, LatencySummary.Empty);
            progress.WriteLine($"[agents] {roundTrips:N0} dm round trips over {pairs} pairs in {dmElapsed.TotalMilliseconds:N0} ms, {latency}");

            return new AgentsResult(options.Count, ok, startElapsed, heapBefore, heapAfter, rssBefore, rssAfter, pairs, roundTrips, dmElapsed,
                latency, [.. errors.Distinct().Take(10)]) { PlainLinks = options.PlainLinks, LinkOpen = linkOpen };
        }
        catch (NotImplementedException)
        {
            return AgentsResult.NotAvailable(options.Count, "PeerAgent is not implemented in this build");
        }
        finally
        {
            await DisposeAllAsync(agents).ConfigureAwait(false);
        }
    }

    /// <summary>Opens each pair's link, one after the other: TCP, then TLS unless plain, then the hellos both ways.</summary>
    private static async Task<LatencySummary> OpenLinksAsync(List<PeerAgent> agents, int pairs, List<string> errors, CancellationToken ct)
    {
        var times = new List<long>(pairs);
        for (var p = 0; p < pairs; p++)
        {
            var started = Stopwatch.GetTimestamp();
            var linked = await agents[2 * p].ConnectToPeerAsync(agents[(2 * p) + 1].Name, ct).ConfigureAwait(false);
            if (linked.Success)
            {
                times.Add(Stopwatch.GetTimestamp() - started);
            }
            else
            {
                errors.Add($"link {agents[2 * p].Name} -> {agents[(2 * p) + 1].Name}: {linked.Error}");
            }
        }

        return LatencySummary.FromTicks([.. times]);
    }

    private async Task<(long RoundTrips, TimeSpan Elapsed, LatencySummary Latency)> RoundTripsAsync(
        List<PeerAgent> agents, int pairs, List<string> errors, CancellationToken ct)
    {
        // One dm per pair first: it dials the link, which is not what the round trip measures.
        var warm = await Task.WhenAll(Enumerable.Range(0, pairs).Select(p => RoundTripAsync(agents[2 * p], agents[(2 * p) + 1], "warm-up", ct)))
            .ConfigureAwait(false);
        errors.AddRange(Enumerable.Range(0, pairs).Where(p => warm[p] < 0)
            .Select(p => $"warm-up {agents[2 * p].Name} -> {agents[(2 * p) + 1].Name}: not delivered"));

        var latencies = new long[pairs * options.RoundTrips];
        var started = Stopwatch.GetTimestamp();
        var done = await Task.WhenAll(Enumerable.Range(0, pairs).Select(p => Task.Run(async () =>
        {
            var (from, to) = (agents[2 * p], agents[(2 * p) + 1]);
            var count = 0;
            for (var n = 0; n < options.RoundTrips; n++)
            {
                var ticks = await RoundTripAsync(from, to, "rt " + n.ToString(System.Globalization.CultureInfo.InvariantCulture), ct).ConfigureAwait(false);
                if (ticks < 0)
                {
                    lock (errors)
                    {
                        errors.Add($"{from.Name} -> {to.Name}: a dm was not delivered");
                    }

                    break;
                }

                latencies[(p * options.RoundTrips) + n] = ticks;
                count++;
            }

            return count;
        }, ct))).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);

        var total = done.Sum();
        var measured = Enumerable.Range(0, pairs).SelectMany(p => latencies.Skip(p * options.RoundTrips).Take(done[p])).ToArray();
        return (total, elapsed, LatencySummary.FromTicks(measured));
    }

    /// <summary>Sends one dm and waits until its ack marks it delivered; the round trip in stopwatch ticks, or -1.</summary>
    private async Task<long> RoundTripAsync(PeerAgent from, PeerAgent to, string text, CancellationToken ct)
    {
        var conversation = from.OpenDirect(to.Name);
        string? id = null;
        var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            if (Volatile.Read(ref id) is { } wanted && Find(conversation, wanted) is { State: DeliveryState.Delivered or DeliveryState.Failed })
            {
                delivered.TrySetResult();
            }
        }

        using var subscription = from.Subscribe(change =>
        {
            if (change is WebPeerBridge.Peer.Changes.LineUpdated { Conversation: var changed } && changed == conversation)
            {
                Check();
            }
        });
        var started = Stopwatch.GetTimestamp();
        var sent = await from.SendDirectAsync(to.Name, text, ct).ConfigureAwait(false);
        if (!sent.Accepted || sent.MessageId is null)
        {
            return -1;
        }

        Volatile.Write(ref id, sent.MessageId);
        Check();
        try
        {
            await delivered.Task.WaitAsync(options.AckTimeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return -1;
        }

        return Find(conversation, sent.MessageId) is { State: DeliveryState.Delivered } ? Stopwatch.GetTimestamp() - started : -1;
    }

    // System lines (link opened) may follow the dm: look it up by id, newest first.
    private static ChatMessage? Find(Conversation conversation, string id)
    {
        var lines = conversation.Snapshot();
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            if (lines[i].Id == id)
            {
                return lines[i];
            }
        }

        return null;
    }

    private static async Task DisposeAllAsync(List<PeerAgent> agents)
    {
        foreach (var agent in agents)
        {
            try
            {
                await agent.DisposeAsync().ConfigureAwait(false);
            }
            catch (NotImplementedException)
            {
                // The skeleton's agent has nothing to release.
            }
        }
    }
}
