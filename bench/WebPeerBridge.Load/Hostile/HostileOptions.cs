using System.Net;

namespace WebPeerBridge.Load.Hostile;

/// <summary>
/// The <c>hostile</c> run: one host floods the rendezvous server, a terminal peer and the web app at once while honest
/// clients on other loopback addresses chat; every flood is bounded by <see cref="Flood"/> and stops by itself.
/// </summary>
internal sealed record HostileOptions
{
    /// <summary>Honest v1 clients on the rendezvous server, each from its own loopback address (127.0.1.x).</summary>
    public int HonestClients { get; init; } = 20;

    /// <summary>Honest broadcasts per second, over two senders.</summary>
    public double HonestRate { get; init; } = 20;

    /// <summary>How long the floods (and the measured honest traffic) last.</summary>
    public TimeSpan Flood { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Rounds of floods, each followed by <see cref="Settle"/>: the second shows whether repeating them adds memory.</summary>
    public int Rounds { get; init; } = 2;

    /// <summary>Pause after the floods before memory is read again.</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Concurrent connect-and-send loops per flood.</summary>
    public int Workers { get; init; } = 8;

    /// <summary>Silent connections the attacker tries to hold open against each target.</summary>
    public int HeldConnections { get; init; } = 500;

    /// <summary>The attacking host (one address: DESIGN says a host harms only itself).</summary>
    public IPAddress Attacker { get; init; } = IPAddress.Parse("127.0.0.66");

    /// <summary>First of three ports: rendezvous, the terminal peer's listener, the web app; 0: three free ports.</summary>
    public int BasePort { get; init; }

    public string RendezvousDll { get; init; } = "";

    public string CliDll { get; init; } = "";

    public string WebDll { get; init; } = "";

    public string WorkDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "wpb-hostile");

    /// <summary>
    /// Builds of the three programs: next to this tool (rendezvous) or in the repository's output of the configuration
    /// this tool was built in (bin/Release/… or bin/Debug/…).
    /// </summary>
    public static HostileOptions WithDefaultPaths(HostileOptions options)
    {
        var root = FindRepositoryRoot();
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name ?? "Release";
        string Built(string project) => root is null ? project + ".dll"
            : Path.Combine(root, "src", project, "bin", configuration, "net10.0", project + ".dll");
        return options with
        {
            RendezvousDll = options.RendezvousDll is { Length: > 0 } r ? r : Path.Combine(AppContext.BaseDirectory, "WebPeerBridge.Rendezvous.dll"),
            CliDll = options.CliDll is { Length: > 0 } c ? c : Built("WebPeerBridge.Cli"),
            WebDll = options.WebDll is { Length: > 0 } w ? w : Built("WebPeerBridge.Web"),
        };
    }

    private static string? FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WebPeerBridge.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
