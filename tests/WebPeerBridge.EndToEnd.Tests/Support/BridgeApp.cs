using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WebPeerBridge.Rendezvous;

namespace WebPeerBridge.EndToEnd.Tests.Support;

/// <summary>
/// The real web app on a real loopback socket (a browser needs one), with its embedded rendezvous server on a free
/// loopback port and a history file of its own, or pointed at an external rendezvous server.
/// </summary>
public sealed class BridgeApp : WebApplicationFactory<Program>
{
    /// <summary>The agents' peer ports: away from the defaults and from the other test projects' range.</summary>
    public const int PeerPortMin = 43000;

    public const int PeerPortMax = 43999;

    private readonly Dictionary<string, string?> _settings;
    private readonly string? _historyPath;

    private BridgeApp(Dictionary<string, string?> settings, string? historyPath)
    {
        _settings = settings;
        _historyPath = historyPath;
    }

    /// <summary>The page's address, e.g. http://127.0.0.1:39117.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>What this app logged, for a failed test's report.</summary>
    public AppLog Log { get; } = new();

    /// <summary>The port of the rendezvous server the agents use (the embedded one, or the external one given).</summary>
    public int RendezvousPort { get; private set; }

    /// <summary>Starts the app with its own rendezvous server, and any <paramref name="settings"/> of the test's own.</summary>
    public static Task<BridgeApp> StartEmbeddedAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var history = TempFiles.NewHistoryPath();
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Rendezvous:Port"] = "0",
            ["Rendezvous:BindAddress"] = "127.0.0.1",
            ["Rendezvous:HistoryPath"] = history,
        };
        return StartAsync(all, history);
    }

    /// <summary>Starts the app with agents that use the rendezvous server at 127.0.0.1:<paramref name="port"/>.</summary>
    public static Task<BridgeApp> StartExternalAsync(int port) => StartAsync(new()
    {
        ["Rendezvous:Host"] = "127.0.0.1",
        ["Rendezvous:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }, historyPath: null);

    /// <summary>
    /// Starts the app on <paramref name="webPort"/> with its sessions kept in <paramref name="dataPath"/> and agents that use
    /// the rendezvous server at 127.0.0.1:<paramref name="rendezvousPort"/>: start it again with the same arguments to
    /// restart the bridge at the same address.
    /// </summary>
    public static Task<BridgeApp> StartPersistentAsync(int webPort, int rendezvousPort, string dataPath) => StartAsync(new()
    {
        ["Rendezvous:Host"] = "127.0.0.1",
        ["Rendezvous:Port"] = rendezvousPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Bridge:PersistSessions"] = "true",
        ["Bridge:DataPath"] = dataPath,
        // A restart's story in the report: the key ring read or created, the host started and stopping.
        ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Information",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        ["Logging:LogLevel:WebPeerBridge.Web.Sessions"] = "Debug",
        ["Urls"] = $"http://127.0.0.1:{webPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
    }, historyPath: null);

    private static async Task<BridgeApp> StartAsync(Dictionary<string, string?> settings, string? historyPath)
    {
        settings["Bridge:BindAddress"] = "127.0.0.1";
        settings["Bridge:PeerPortMin"] = PeerPortMin.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Bridge:PeerPortMax"] = PeerPortMax.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Logging:LogLevel:Default"] = "Warning";
        // What the sessions did (joined, stored, restored, rejoined) is in the output of a failed run.
        settings["Logging:LogLevel:WebPeerBridge.Web.Sessions"] = "Information";
        // A free loopback port instead of the app's LAN default (0.0.0.0:5080).
        settings.TryAdd("Urls", "http://127.0.0.1:0");
        // Nothing kept between tests unless a test asks for a data folder of its own.
        settings.TryAdd("Bridge:PersistSessions", "false");

        var app = new BridgeApp(settings, historyPath);
        try
        {
            app.UseKestrel();
            app.StartServer();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        app.BaseUrl = new Uri(addresses.Single());
        if (app.Services.GetService<RendezvousServer>() is { } embedded)
        {
            var endpoint = await embedded.WaitUntilListeningAsync(TestContext.Current.CancellationToken).WaitAsync(UiTimeouts.Default);
            app.RendezvousPort = endpoint.Port;
        }
        else
        {
            app.RendezvousPort = int.Parse(settings["Rendezvous:Port"]!, System.Globalization.CultureInfo.InvariantCulture);
        }

        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Development serves the static assets from the build output, as `dotnet run` does.
        builder.UseEnvironment("Development");
        builder.ConfigureLogging(logging => logging.AddProvider(Log));
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_historyPath is not null)
        {
            TempFiles.DeleteHistory(_historyPath);
        }
    }
}
