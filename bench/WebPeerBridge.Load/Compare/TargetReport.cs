using System.Globalization;
using WebPeerBridge.Load.Fanout;

namespace WebPeerBridge.Load.Compare;

/// <summary>
/// The figures of issue 14 side by side, from one <c>all</c> run: the raw relay, InspIRCd and our server (history in
/// memory and in a file), each of ours with its ratio to InspIRCd (and to the relay where the target names it) and
/// whether its target is met. A figure a run did not measure is left out.
/// </summary>
internal static class TargetReport
{
    private static readonly CultureInfo s_culture = CultureInfo.InvariantCulture;

    /// <summary>Most resident memory per idle client the target allows, in bytes.</summary>
    public const double MaxBytesPerIdleClient = 25 * 1024;

    public static void Write(TextWriter output, IReadOnlyList<FanoutResult> results)
    {
        var relay = results.FirstOrDefault(r => r.Target == TargetKind.Relay);
        var irc = results.FirstOrDefault(r => r.Target == TargetKind.Irc);
        var ours = results.Where(r => r.Target is TargetKind.Wpb or TargetKind.WpbFile).ToArray();
        if (ours.Length == 0)
        {
            return;
        }

        output.WriteLine("| figure | raw relay | InspIRCd | WebPeerBridge | ratio | target | met? |");
        output.WriteLine("| --- | ---: | ---: | --- | --- | --- | --- |");
        foreach (var r in ours)
        {
            var who = Report.Name(r.Target);
            var storm = r.JoinStorm.TotalSeconds;
            var ircStorm = irc?.JoinStorm.TotalSeconds;
            Row(output, "join storm, first connect → last welcome", Sec(relay?.JoinStorm.TotalSeconds), Sec(ircStorm), who, Sec(storm),
                Ratio(storm, ircStorm, "InspIRCd"), "≤ 0.4 × InspIRCd", ircStorm is { } limit ? storm <= 0.4 * limit : null);

            if (Phase(r, FanoutOptions.Burst) is { } burst)
            {
                var ircBurst = Phase(irc, FanoutOptions.Burst)?.DeliveredPerSecond;
                var relayBurst = Phase(relay, FanoutOptions.Burst)?.DeliveredPerSecond;
                var rate = burst.AllDelivered ? burst.DeliveredPerSecond : 0;
                Row(output, F($"burst, {burst.Expected:N0} deliveries"), PerSecond(relayBurst), PerSecond(ircBurst), who, PerSecond(rate) + (burst.AllDelivered ? "" : " (not all delivered)"),
                    Ratio(rate, ircBurst, "InspIRCd") + "; " + Ratio(rate, relayBurst, "relay"), "≥ 3 × InspIRCd and ≥ 0.6 × relay",
                    ircBurst is { } ib && relayBurst is { } rb ? rate >= 3 * ib && rate >= 0.6 * rb : null);
            }

            foreach (var (paced, both) in new[] { (200.0, false), (800.0, true) })
            {
                if (Phase(r, paced) is not { } p)
                {
                    continue;
                }

                var i = Phase(irc, paced);
                var met = i is null ? (bool?)null : p.AllDelivered && p.Latency.P99 <= i.Latency.P99 && (!both || p.Latency.P50 <= i.Latency.P50);
                Row(output, F($"paced {paced:N0} msgs/s in, p50 / p99"), Latency(Phase(relay, paced)), Latency(i), who, Latency(p),
                    i is null ? "" : F($"{p.Latency.P50 / i.Latency.P50:0.00}× / {p.Latency.P99 / i.Latency.P99:0.00}× InspIRCd"),
                    both ? "p50 and p99 ≤ InspIRCd's" : "p99 ≤ InspIRCd's", met);
            }

            if (r.BytesPerClient is { } bytes)
            {
                Row(output, "RSS growth per client over the storm (with one-time costs)", Kb(relay?.BytesPerClient), Kb(irc?.BytesPerClient), who, Kb(bytes),
                    Ratio(bytes, irc?.BytesPerClient, "InspIRCd"), "≤ 25 KB", bytes <= MaxBytesPerIdleClient);
            }

            if (r.BytesPerExtraClient is { } extra)
            {
                Row(output, "RSS per extra idle client", Kb(relay?.BytesPerExtraClient), Kb(irc?.BytesPerExtraClient), who, Kb(extra),
                    Ratio(extra, irc?.BytesPerExtraClient, "InspIRCd"), "≤ 25 KB", extra <= MaxBytesPerIdleClient);
            }
        }
    }

    private static PhaseResult? Phase(FanoutResult? result, double rate) => result?.Phases.FirstOrDefault(p => p.Rate.Equals(rate));

    private static void Row(TextWriter output, string figure, string relay, string irc, string who, string value, string ratio, string target, bool? met) =>
        output.WriteLine($"| {figure} | {relay} | {irc} | {who}: {value} | {ratio} | {target} | {met switch { true => "yes", false => "**no**", null => "n/a" }} |");

    private static string Sec(double? seconds) => seconds is { } s ? F($"{s:0.00} s") : "";

    private static string PerSecond(double? rate) => rate is { } r ? F($"{r / 1e6:0.00} M/s") : "";

    private static string Kb(double? bytes) => bytes is { } b ? F($"{b / 1024:0.0} KB") : "";

    private static string Latency(PhaseResult? p) => p is null ? "" : F($"{p.Latency.P50:0} / {p.Latency.P99:0} ms");

    private static string Ratio(double value, double? baseline, string of) =>
        baseline is { } b && b > 0 ? F($"{value / b:0.00}× {of}") : "";

    private static string F(FormattableString text) => text.ToString(s_culture);
}
