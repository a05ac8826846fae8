using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WebPeerBridge.Protocol.Memory;

namespace WebPeerBridge.Rendezvous.Memory;

/// <summary>Registers the idle memory trimmer of a program's process.</summary>
public static class MemoryTrimServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="MemoryTrimService"/> with its options (bound to <paramref name="section"/>, validated at start).
    /// For a program's host, not for a library: one trimmer per process is enough.
    /// </summary>
    public static IServiceCollection AddMemoryTrimming(this IServiceCollection services, IConfiguration section)
    {
        services.AddOptions<MemoryTrimOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MemoryTrimOptions>, MemoryTrimOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, MemoryTrimService>());
        return services;
    }
}
