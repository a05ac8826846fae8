using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;
using WebPeerBridge.Protocol.Memory;
using WebPeerBridge.Rendezvous;
using WebPeerBridge.Rendezvous.Memory;
using WebPeerBridge.Web.Components;
using WebPeerBridge.Web.Components.Chat;
using WebPeerBridge.Web.Components.Layout;
using WebPeerBridge.Web.Health;
using WebPeerBridge.Web.Sessions;

namespace WebPeerBridge.Web.Hosting;

internal static class BridgeServiceCollectionExtensions
{
    /// <summary>
    /// Everything the bridge needs: options, the embedded rendezvous server (unless <c>Rendezvous:Host</c> names an
    /// external one), the session registry, health checks, Blazor and MudBlazor.
    /// </summary>
    public static IServiceCollection AddWebPeerBridge(this IServiceCollection services, IConfiguration configuration)
    {
        var rendezvous = configuration.GetSection(RendezvousOptions.SectionName);
        services.AddOptions<RendezvousClientOptions>().Bind(rendezvous).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RendezvousClientOptions>, RendezvousClientOptionsValidator>());
        var bridge = configuration.GetSection(BridgeOptions.SectionName);
        services.AddOptions<BridgeOptions>().Bind(bridge)
            .Configure(o => AgentSettings.Bind(bridge, o.Agent))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BridgeOptions>, BridgeOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BridgeOptions>, BridgeAgentOptionsValidator>());

        if (string.IsNullOrWhiteSpace(rendezvous["Host"]) && !rendezvous.GetSection("Servers").GetChildren().Any())
        {
            services.AddRendezvousServer(rendezvous);
            // Every session's agent reaches the embedded server from this machine: trusted, unless configured otherwise.
            services.PostConfigure<RendezvousOptions>(o =>
            {
                if (o.TrustedAddresses.Count == 0)
                {
                    o.TrustedAddresses.AddRange(["127.0.0.1", "::1"]);
                }
            });
        }

        services.TryAddSingleton(TimeProvider.System);
        // One trimmer for the whole process (bridge and embedded server): a calm bridge gives back what a burst grew.
        services.AddMemoryTrimming(configuration.GetSection(MemoryTrimOptions.SectionName));
        services.AddSingleton<RendezvousTarget>();
        services.AddSingleton<PeerAgentFactory>();
        // Session cookies are signed and encrypted; with kept sessions the key ring is kept beside them, so that the
        // cookies of open pages still open their sessions after a restart.
        services.AddDataProtection().SetApplicationName("WebPeerBridge");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<BridgeOptions>, IHostEnvironment, ILoggerFactory>((keys, bridge, host, logs) =>
        {
            if (bridge.Value.PersistSessions)
            {
                var folder = new DirectoryInfo(Path.Combine(host.ContentRootPath, bridge.Value.DataPath, "keys"));
                keys.XmlRepository = new FileSystemXmlRepository(folder, logs);
            }
        });
        services.AddSingleton<SessionCookie>();
        services.AddSingleton(sp => new SessionRegistry(
            sp.GetRequiredService<PeerAgentFactory>(),
            sp.GetRequiredService<RendezvousTarget>(),
            sp.GetRequiredService<IOptions<BridgeOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SessionRegistry>>(),
            sp.GetRequiredService<IOptions<BridgeOptions>>().Value is { PersistSessions: true } bridge
                ? new SessionStore(Path.Combine(sp.GetRequiredService<IHostEnvironment>().ContentRootPath, bridge.DataPath))
                : null));
        // Registered after the embedded server, so it stops first: agents say bye while the server still listens.
        services.AddHostedService<SessionShutdownService>();
        services.AddScoped<CurrentSession>();
        services.AddScoped<ThemeState>();
        services.AddScoped<ClientClock>();
        services.AddScoped<BridgeJs>();
        services.AddSingleton<WebPeerBridge.Web.Hosting.JoinAddress>();
        services.AddScoped<WebPeerBridge.Web.Components.Chat.Attention.BrowserNotifications>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, SessionCircuitHandler>());

        services.AddOptions<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>().Configure<IOptions<BridgeOptions>>((forwarded, bridge) =>
        {
            forwarded.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor
                | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto;
            // Only the configured proxies are believed (not even loopback by default).
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in bridge.Value.TrustedProxies)
            {
                forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            }
        });
        services.AddPageRateLimiting();
        services.AddSingleton(sp => new ConnectionsPerAddress(sp.GetRequiredService<IOptions<BridgeOptions>>(),
            new LimitLog(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger<ConnectionsPerAddress>())));
        services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<ConnectionsPerAddress>((kestrel, limit) => limit.Apply(kestrel));
        services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), tags: ["live"])
            .AddCheck<RendezvousReachableHealthCheck>("rendezvous-reachable", tags: ["ready"]);

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices(config =>
        {
            // Top centre: clear of the composer and the send button at the bottom, and of the drawer on phones.
            config.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.TopCenter;
            config.SnackbarConfiguration.PreventDuplicates = false;
            config.SnackbarConfiguration.MaxDisplayedSnackbars = 4;
            config.SnackbarConfiguration.VisibleStateDuration = 4000;
            config.SnackbarConfiguration.ShowCloseIcon = true;
        });
        return services;
    }
}
