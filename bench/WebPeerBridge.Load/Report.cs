using System.Globalization;
using WebPeerBridge.Load.Agents;
using WebPeerBridge.Load.Fanout;

namespace WebPeerBridge.Load;

/// <summary>Prints results as Markdown tables (ready to paste into docs/BENCHMARKS.md).</summary>
internal static class Report
{
    private static readonly CultureInfo s_culture = CultureInfo.InvariantCulture;

    public static void WriteFanout(TextWriter output, FanoutOptions scenario, FanoutResult result) =>
        WriteComparison(output, scenario, [result]);

    public static void WriteComparison(TextWriter output, FanoutOptions scenario, IReadOnlyList<FanoutResult> results)
    {
        var relay = results.FirstOrDefault(r => r.Target == TargetKind.Relay);
        output.WriteLine(F($"Scenario: {scenario.Clients} clients, {scenario.Senders} senders x {scenario.Messages} broadcasts per phase, {scenario.Padding} bytes of padding, closed-loop window {scenario.Window}."));
        output.WriteLine();
        output.WriteLine("| target | ready | join storm | vs relay | server CPU | tool CPU | server RSS growth per client | per extra idle client |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            output.WriteLine(F($"| {Name(r.Target)} | {r.ReadyClients}/{r.Clients} | {r.JoinStorm.TotalMilliseconds:N0} ms | {Ratio(r.JoinStorm.TotalMilliseconds, relay?.JoinStorm.TotalMilliseconds)} | {Seconds(r.JoinServerCpu)} | {r.JoinToolCpu.TotalSeconds:0.0} s | {Kb(r.BytesPerClient)} | {Kb(r.BytesPerExtraClient)} |"));
        }

        output.WriteLine();
        output.WriteLine("| target | send rate | delivered | deliveries/s | vs relay | p50 | p90 | p99 | max | server CPU | µs CPU per delivery | tool CPU |");
        output.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (var i = 0; i < scenario.Rates.Count; i++)
        {
            var relayPhase = relay is not null && i < relay.Phases.Count ? relay.Phases[i] : null;
            foreach (var r in results)
            {
                if (i >= r.Phases.Count)
                {
                    output.WriteLine(F($"| {Name(r.Target)} | {FanoutRunner.Describe(scenario.Rates[i])} | not run | | | | | | | | | |"));
                    continue;
                }

                var p = r.Phases[i];
                var rate = p.Rate is 0 or FanoutOptions.Burst ? FanoutRunner.Describe(p.Rate) : F($"{p.Rate:N0}/s (sent {p.SentPerSecond:N0}/s)");
                output.WriteLine(F($"| {Name(r.Target)} | {rate} | {p.Delivered:N0}/{p.Expected:N0}{(p.Stalled ? " stalled" : "")} | {p.DeliveredPerSecond:N0} | {Ratio(p.DeliveredPerSecond, relayPhase?.DeliveredPerSecond)} | {p.Latency.P50:0.0} ms | {p.Latency.P90:0.0} ms | {p.Latency.P99:0.0} ms | {p.Latency.Max:0.0} ms | {Seconds(p.ServerCpu)} | {PerDelivery(p.ServerCpu, p.Delivered)} | {p.ToolCpu.TotalSeconds:0.0} s |"));
            }
        }

        foreach (var r in results.Where(r => r.Errors.Count > 0))
        {
            output.WriteLine();
            output.WriteLine($"{Name(r.Target)} errors (first few):");
            foreach (var error in r.Errors)
            {
                output.WriteLine("  " + error);
            }
        }
    }

    public static void WriteAgents(TextWriter output, AgentsResult r)
    {
        if (r.Unavailable is { } why)
        {
            output.WriteLine($"Agents: not measured: {why}.");
            return;
        }

        output.WriteLine("| links | agents | online | start all | managed heap per agent | RSS growth per agent | link open p50 | link open max | dm pairs | round trips | round trips/s | p50 | p99 | max |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        output.WriteLine(F($"| {(r.PlainLinks ? "plain" : "TLS")} | {r.Count} | {r.Started} | {r.StartElapsed.TotalMilliseconds:N0} ms | {r.HeapPerAgent / 1024:N1} KB | {r.RssPerAgent / 1024:N1} KB | {r.LinkOpen.P50:0.00} ms | {r.LinkOpen.Max:0.00} ms | {r.Pairs} | {r.RoundTrips:N0} | {r.RoundTripsPerSecond:N0} | {r.DmLatency.P50:0.00} ms | {r.DmLatency.P99:0.00} ms | {r.DmLatency.Max:0.00} ms |"));
        foreach (var error in r.Errors)
        {
            output.WriteLine("  " + error);
        }
    }

    public static string Name(TargetKind target) => target switch
    {
        TargetKind.Wpb => "WebPeerBridge",
        TargetKind.WpbFile => "WebPeerBridge (file history)",
        TargetKind.Relay => "raw relay",
        TargetKind.Irc => "InspIRCd",
        _ => target.ToString(),
    };

    private static string Ratio(double value, double? baseline) =>
        baseline is { } b && b > 0 ? (value / b).ToString("0.00", s_culture) + "x" : "";

    private static string Kb(double? bytes) => bytes is { } b ? (b / 1024).ToString("N1", s_culture) + " KB" : "n/a";

    private static string PerDelivery(TimeSpan? time, long deliveries) =>
        time is { } t && deliveries > 0 ? (t.TotalMicroseconds / deliveries).ToString("0.00", s_culture) : "n/a";

    private static string Seconds(TimeSpan? time) => time is { } t ? t.TotalSeconds.ToString("0.0", s_culture) + " s" : "n/a";

    private static string F(FormattableString text) => text.ToString(s_culture);
}
