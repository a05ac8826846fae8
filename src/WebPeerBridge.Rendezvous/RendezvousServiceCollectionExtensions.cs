using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace WebPeerBridge.Rendezvous;

/// <summary>Registers the rendezvous server as a hosted service.</summary>
public static class RendezvousServiceCollectionExtensions
{
    /// <summary>Adds the server, its options (bound to <paramref name="section"/>, validated at start) and its health check.</summary>
    public static IServiceCollection AddRendezvousServer(this IServiceCollection services, IConfiguration section)
    {
        services.AddOptions<RendezvousOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RendezvousOptions>, RendezvousOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RendezvousServer>();
        services.AddHostedService(sp => sp.GetRequiredService<RendezvousServer>());
        services.AddHealthChecks().AddCheck<RendezvousServerHealthCheck>("rendezvous-server", tags: ["ready"]);
        return services;
    }
}
