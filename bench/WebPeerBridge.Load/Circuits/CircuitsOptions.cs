namespace WebPeerBridge.Load.Circuits;

/// <summary>What the <c>circuits</c> scenario measures: a running web app with many browser sessions open, each a real circuit.</summary>
internal sealed class CircuitsOptions
{
    /// <summary>The web app (loopback only).</summary>
    public Uri Url { get; init; } = new("http://127.0.0.1:5080/");

    /// <summary>The web app's process, whose CPU time is read from /proc.</summary>
    public int WebPid { get; init; }

    /// <summary>The rendezvous server the web app's agents use (its embedded one), where the sender joins.</summary>
    public string RendezvousHost { get; init; } = "127.0.0.1";

    public int RendezvousPort { get; init; } = 1234;

    /// <summary>The sender's peer listener port (or the one after it).</summary>
    public int SenderPeerPort { get; init; } = 42999;

    /// <summary>Browser sessions (one browser context each: its own cookie, its own agent and circuit).</summary>
    public int Sessions { get; init; } = 20;

    /// <summary>Broadcast lines the sender sends.</summary>
    public int Lines { get; init; } = 200;

    /// <summary>Lines a second.</summary>
    public double Rate { get; init; } = 20;

    public string Chromium { get; init; } = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);
}
