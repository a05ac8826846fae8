using System.Globalization;

namespace WebPeerBridge.Load.Hostile;

/// <summary>The hostile run's figures as Markdown tables, ready for docs/BENCHMARKS.md.</summary>
internal static class HostileReport
{
    public static void Write(TextWriter output, HostileOptions options, HostileResult result)
    {
        output.WriteLine(FormattableString.Invariant(
            $"hostile: {options.HonestClients} honest clients, {options.HonestRate:0.#} broadcasts/s, floods from {options.Attacker}, {options.Rounds} rounds of {options.Flood.TotalSeconds:N0} s ({options.Workers} loops each, {options.HeldConnections} held connections), settle {options.Settle.TotalSeconds:N0} s"));
        output.WriteLine($"load average before {result.LoadBefore}, after {result.LoadAfter}");
        output.WriteLine();
        output.WriteLine("| process | RSS before | after round 1 | after last round | peak | last vs before | last vs round 1 | CPU during floods | threads before → after |");
        output.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var p in result.Processes)
        {
            output.WriteLine(FormattableString.Invariant(
                $"| {p.Name} | {Mb(p.Before)} | {Mb(p.AfterRounds[0])} | {Mb(p.After)} | {Mb(p.Peak)} | {p.Growth * 100:+0.0;-0.0}% | {p.GrowthAfterFirstRound * 100:+0.0;-0.0}% | {p.CpuDuringFloods.TotalSeconds:0.0} s | {p.ThreadsBefore} → {p.ThreadsAfter} |"));
        }

        output.WriteLine();
        var rounds = result.Processes.Min(p => Math.Min(p.AtFloodsEnd.Count, p.AfterRounds.Count));
        output.WriteLine("| process | RSS before | " + string.Join(" | ", Enumerable.Range(1, rounds).Select(r => $"round {r}: floods' end | round {r}: settled")) + " |");
        output.WriteLine("| --- | --- | " + string.Join(" | ", Enumerable.Repeat("--- | ---", rounds)) + " |");
        foreach (var p in result.Processes)
        {
            output.WriteLine($"| {p.Name} | {Mb(p.Before)} | " + string.Join(" | ", Enumerable.Range(0, rounds).Select(r => $"{Mb(p.AtFloodsEnd[r])} | {Mb(p.AfterRounds[r])}")) + " |");
        }

        output.WriteLine();
        output.WriteLine("| flood | target | attempts | refused | taken | other |");
        output.WriteLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var f in result.Floods)
        {
            var other = f.Attempts - f.Refused - f.Accepted;
            output.WriteLine(FormattableString.Invariant($"| {f.What} | {f.Target} | {f.Attempts:N0} | {f.Refused:N0} | {f.Accepted:N0} | {Math.Max(0, other):N0} |"));
        }

        output.WriteLine();
        output.WriteLine("| honest traffic | p50 | p99 | max | count | lost |");
        output.WriteLine("| --- | --- | --- | --- | --- | --- |");
        output.WriteLine(FormattableString.Invariant(
            $"| broadcasts (send → every receiver) | {result.BroadcastLatency.P50:0.0} ms | {result.BroadcastLatency.P99:0.0} ms | {result.BroadcastLatency.Max:0.0} ms | {result.BroadcastsDelivered:N0} of {result.BroadcastsExpected:N0} | {result.BroadcastsExpected - result.BroadcastsDelivered:N0} missing, {result.BroadcastsOutOfOrder:N0} out of order, {result.HonestDropped} of {result.HonestClients} clients dropped |"));
        output.WriteLine(FormattableString.Invariant(
            $"| dm to the terminal peer, until its ack | {result.DirectRoundTrip.P50:0.0} ms | {result.DirectRoundTrip.P99:0.0} ms | {result.DirectRoundTrip.Max:0.0} ms | {result.DirectRoundTrip.Count:N0} | {result.DirectFailures} failed |"));
        output.WriteLine(FormattableString.Invariant(
            $"| page loads (GET /, another address) | {result.PageLoad.P50:0.0} ms | {result.PageLoad.P99:0.0} ms | {result.PageLoad.Max:0.0} ms | {result.PageLoad.Count:N0} | {result.PagesRefused} refused |"));
        if (result.DirectError is { } error)
        {
            output.WriteLine($"dm peer: {error}");
        }

        output.WriteLine();
        output.WriteLine(result.HonestTargetsMet
            ? "honest traffic: every p99 under 100 ms, nothing dropped, refused, lost or out of order"
            : "honest traffic: target NOT met (every p99 under 100 ms, nothing dropped, refused, lost or out of order)");
        output.WriteLine(result.Processes.All(p => p.Growth <= 0.20)
            ? "memory: every process within 20% of its start after the floods"
            : "memory: NOT within 20% of the start for " + string.Join(", ", result.Processes.Where(p => p.Growth > 0.20).Select(p => p.Name))
              + (result.Processes.All(p => p.GrowthAfterFirstRound <= 0.20) ? "; within 20% of where the first round left it for all" : ""));
    }

    private static string Mb(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
}
