namespace WebPeerBridge.Load.Circuits;

/// <summary>What the <c>circuits</c> scenario measured: the web process's CPU while sessions render broadcast lines.</summary>
internal sealed record CircuitsResult(int Sessions, int Lines, double Rate, TimeSpan Elapsed, TimeSpan Busy, TimeSpan Idle)
{
    /// <summary>CPU for the lines themselves: busy less what the sessions cost idle for as long.</summary>
    public TimeSpan ForLines => Busy > Idle ? Busy - Idle : TimeSpan.Zero;

    public double MicrosecondsPerLine => ForLines.TotalMicroseconds / Lines;

    public double MicrosecondsPerDeliveredLine => ForLines.TotalMicroseconds / (Lines * (double)Sessions);

    public void Write(TextWriter output)
    {
        output.WriteLine("| sessions | lines | rate | elapsed | web CPU busy | idle for as long | µs CPU per line | µs CPU per delivered line |");
        output.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        output.WriteLine(FormattableString.Invariant(
            $"| {Sessions} | {Lines} | {Rate:0.#}/s | {Elapsed.TotalSeconds:0.0} s | {Busy.TotalSeconds:0.00} s | {Idle.TotalSeconds:0.00} s | {MicrosecondsPerLine:N0} | {MicrosecondsPerDeliveredLine:N0} |"));
    }
}
