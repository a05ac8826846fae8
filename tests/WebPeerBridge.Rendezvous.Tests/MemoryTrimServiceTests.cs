using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WebPeerBridge.Protocol.Memory;
using WebPeerBridge.Rendezvous.Memory;

namespace WebPeerBridge.Rendezvous.Tests;

/// <summary>The idle memory trimmer as a program's hosted service: its options from configuration, validated; one per process.</summary>
public sealed class MemoryTrimServiceTests
{
    [Fact]
    public void The_defaults_are_valid_and_out_of_range_thresholds_are_refused()
    {
        var validator = new MemoryTrimOptionsValidator();

        Assert.True(validator.Validate(null, new MemoryTrimOptions()).Succeeded);
        Assert.True(validator.Validate(null, new MemoryTrimOptions { CheckInterval = TimeSpan.Zero }).Failed);
        Assert.True(validator.Validate(null, new MemoryTrimOptions { CalmPeriod = TimeSpan.FromDays(2) }).Failed);
        Assert.True(validator.Validate(null, new MemoryTrimOptions { CalmAllocationBytesPerSecond = -1 }).Failed);
        Assert.True(validator.Validate(null, new MemoryTrimOptions { MinSurplusBytes = 4096 }).Failed);
        Assert.True(validator.Validate(null, new MemoryTrimOptions { MaxLiveBytes = 0 }).Failed);
    }

    [Fact]
    public void Options_come_from_the_MemoryTrim_section_and_invalid_ones_stop_the_start()
    {
        using var services = Services(new() { ["MemoryTrim:Enabled"] = "false", ["MemoryTrim:CalmPeriod"] = "00:00:30" });
        var options = services.GetRequiredService<IOptions<MemoryTrimOptions>>().Value;
        Assert.False(options.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(30), options.CalmPeriod);

        using var invalid = Services(new() { ["MemoryTrim:MinSurplusBytes"] = "1000" });
        Assert.Throws<OptionsValidationException>(() => invalid.GetRequiredService<IOptions<MemoryTrimOptions>>().Value);
    }

    [Fact]
    public void Adding_memory_trimming_twice_still_runs_one_trimmer()
    {
        var section = new ConfigurationBuilder().Build().GetSection(MemoryTrimOptions.SectionName);
        var services = new ServiceCollection().AddMemoryTrimming(section).AddMemoryTrimming(section);

        Assert.Single(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(MemoryTrimService));
    }

    [Fact]
    public async Task The_service_says_once_how_it_trims_and_stops_with_the_host()
    {
        var logs = new ListLogger();
        var service = new MemoryTrimService(Options.Create(new MemoryTrimOptions()), new FakeTimeProvider(), logs);

        await service.StartAsync(TestContext.Current.CancellationToken);
        await service.StopAsync(TestContext.Current.CancellationToken);
        await service.DisposeAsync();

        var line = Assert.Single(logs.Lines);
        Assert.StartsWith("Memory trimming on: after 6 s below 64 KB/s", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_turned_off_says_so_and_starts_nothing()
    {
        var logs = new ListLogger();
        var service = new MemoryTrimService(Options.Create(new MemoryTrimOptions { Enabled = false }), new FakeTimeProvider(), logs);

        await service.StartAsync(TestContext.Current.CancellationToken);
        await service.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["Memory trimming off (MemoryTrim:Enabled=false)"], logs.Lines);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(Logger<>))
            .AddMemoryTrimming(configuration.GetSection(MemoryTrimOptions.SectionName))
            .BuildServiceProvider();
    }

    private sealed class ListLogger : ILogger<MemoryTrimService>
    {
        private readonly Lock _gate = new();
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_gate)
                {
                    return [.. _lines];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_gate)
            {
                _lines.Add(formatter(state, exception));
            }
        }
    }
}
