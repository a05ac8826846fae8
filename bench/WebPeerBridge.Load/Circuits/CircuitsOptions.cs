namespace WebPeerBridge.Load.Circuits;

/// <summary>What the <c>circuits</c> scenario measures: a web app with many browser sessions open, each a real circuit.</summary>
internal sealed class CircuitsOptions
{
    /// <summary>
    /// Web app builds (WebPeerBridge.Web.dll) to start in turn, a fresh process per run, alternating; empty: measure the
    /// running app at <see cref="Url"/> instead.
    /// </summary>
    public IReadOnlyList<string> WebDlls { get; init; } = [];

    /// <summary>A name per <see cref="WebDlls"/> entry for the table.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Runs of each build (alternating: A B A B).</summary>
    public int Runs { get; init; } = 1;

    /// <summary>
    /// With <see cref="WebDlls"/>: the web app listens on this port, its embedded rendezvous server on the next, the
    /// sender's peer port is base + 2 (or + 3), the agents' peer ports start at base + 10.
    /// </summary>
    public int PortBase { get; init; } = 52000;

    /// <summary>Where the started web apps write their logs.</summary>
    public string WorkDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "wpb-bench");

    /// <summary>The web app (loopback only), when it runs already.</summary>
    public Uri Url { get; init; } = new("http://127.0.0.1:5080/");

    /// <summary>The running web app's process, whose CPU time is read from /proc.</summary>
    public int WebPid { get; init; }

    /// <summary>The rendezvous server the running web app's agents use (its embedded one), where the sender joins.</summary>
    public string RendezvousHost { get; init; } = "127.0.0.1";

    public int RendezvousPort { get; init; } = 1234;

    /// <summary>The sender's peer listener port (or the one after it).</summary>
    public int SenderPeerPort { get; init; } = 42999;

    /// <summary>Browser sessions (one browser context each: its own cookie, its own agent and circuit).</summary>
    public int Sessions { get; init; } = 20;

    /// <summary>Sessions that load and join at once.</summary>
    public int Parallel { get; init; } = 4;

    /// <summary>
    /// Each session's page is closed once it joined, and every page opened again (the same cookie, the same session) once
    /// all have: a build that re-renders every open page on each join joins N sessions in N² renders instead of N³. Only
    /// the join changes; what is measured (every page open, showing the lines) is the same. The web app keeps a session
    /// without a page for its grace period, which the tool sets to an hour.
    /// </summary>
    public bool JoinDetached { get; init; }

    /// <summary>Broadcast lines the sender sends.</summary>
    public int Lines { get; init; } = 200;

    /// <summary>Lines sent (and shown everywhere) before the measurement, unmeasured.</summary>
    public int Warmup { get; init; } = 20;

    /// <summary>Quiet time after the warm-up, before the idle baseline.</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Lines a second.</summary>
    public double Rate { get; init; } = 20;

    public string Chromium { get; init; } = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";

    /// <summary>Longest wait for any one step (a page, a join, every session showing the last line).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);
}
