using System.Globalization;

namespace WebPeerBridge.Load.Circuits;

/// <summary>What one <c>circuits</c> run measured: the web process's CPU while sessions render broadcast lines.</summary>
internal sealed record CircuitsResult(int Sessions, int Lines, double Rate, TimeSpan Elapsed, TimeSpan Busy, TimeSpan Idle)
{
    /// <summary>The build's label (when the tool started the web app).</summary>
    public string Label { get; init; } = "web app";

    public int Run { get; init; } = 1;

    /// <summary>/proc/loadavg (1, 5, 15 minutes) before the sessions opened and after the last line was shown.</summary>
    public string LoadBefore { get; init; } = "n/a";

    public string LoadAfter { get; init; } = "n/a";

    /// <summary>The browser with every session open, after the lines.</summary>
    public BrowserMemory? Browser { get; init; }

    /// <summary>The web process's resident memory after the lines.</summary>
    public long WebResidentBytes { get; init; }

    /// <summary>CPU for the lines themselves: busy less what the sessions cost idle for as long.</summary>
    public TimeSpan ForLines => Busy > Idle ? Busy - Idle : TimeSpan.Zero;

    public double MicrosecondsPerLine => ForLines.TotalMicroseconds / Lines;

    public double MicrosecondsPerDeliveredLine => ForLines.TotalMicroseconds / (Lines * (double)Sessions);

    public static void WriteTable(TextWriter output, IEnumerable<CircuitsResult> results)
    {
        output.WriteLine("| build | run | sessions | lines | rate | elapsed | web CPU busy | idle for as long | µs CPU per line | µs CPU per delivered line | web RSS | Chromium PSS (renderers) | available after | load avg before → after |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var r in results)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Label} | {r.Run} | {r.Sessions} | {r.Lines} | {r.Rate:0.#}/s | {r.Elapsed.TotalSeconds:0.0} s | {r.Busy.TotalSeconds:0.00} s | {r.Idle.TotalSeconds:0.00} s | {r.MicrosecondsPerLine:N0} | {r.MicrosecondsPerDeliveredLine:N0} | {Mb(r.WebResidentBytes)} | {Mb(r.Browser?.PssBytes)} ({r.Browser?.Renderers}) | {Mb(r.Browser?.AvailableBytes)} | {r.LoadBefore} → {r.LoadAfter} |"));
        }
    }

    private static string Mb(long? bytes) => bytes is { } b ? string.Create(CultureInfo.InvariantCulture, $"{b / 1048576.0:N0} MB") : "n/a";
}
