using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WebPeerBridge.Web.Tests.Hosting;

/// <summary>The whole app in memory, with its embedded rendezvous server on a free loopback port.</summary>
internal sealed class BridgeAppFactory(IReadOnlyDictionary<string, string?>? settings = null, ILoggerProvider? logs = null)
    : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Rendezvous:Port", "0");
        builder.UseSetting("Rendezvous:BindAddress", "127.0.0.1");
        builder.UseSetting("Rendezvous:HistoryPath", ":memory:");
        builder.UseSetting("Bridge:BindAddress", "127.0.0.1");
        // Nothing kept between tests; the restart tests give a data folder of their own.
        builder.UseSetting("Bridge:PersistSessions", "false");
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, TestRemoteAddress>());
        if (logs is not null)
        {
            builder.ConfigureLogging(logging => logging.AddProvider(logs));
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }
}
