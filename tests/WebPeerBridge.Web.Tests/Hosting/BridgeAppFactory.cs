using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace WebPeerBridge.Web.Tests.Hosting;

/// <summary>The whole app in memory, with its embedded rendezvous server on a free loopback port.</summary>
internal sealed class BridgeAppFactory(IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
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
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }
}
