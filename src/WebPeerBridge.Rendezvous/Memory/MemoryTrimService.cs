using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebPeerBridge.Protocol.Memory;

namespace WebPeerBridge.Rendezvous.Memory;

/// <summary>
/// Runs the process's <see cref="IdleMemoryTrimmer"/> for as long as the host runs: the rendezvous server's own host and
/// the web app register it once per process (<see cref="MemoryTrimServiceCollectionExtensions.AddMemoryTrimming"/>).
/// </summary>
public sealed partial class MemoryTrimService(IOptions<MemoryTrimOptions> options, TimeProvider time, ILogger<MemoryTrimService> logger)
    : IHostedService, IAsyncDisposable
{
    private IdleMemoryTrimmer? _trimmer;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            LogOff();
            return Task.CompletedTask;
        }

        LogOn(o.CalmPeriod.TotalSeconds, o.CalmAllocationBytesPerSecond / 1024, Megabytes(o.MinSurplusBytes), Megabytes(o.MaxLiveBytes));
        _trimmer = new IdleMemoryTrimmer(o, time, trim => LogTrimmed(
            Megabytes(trim.Before.ResidentBytes), Megabytes(trim.After.ResidentBytes), Megabytes(trim.Before.CommittedBytes), Megabytes(trim.After.CommittedBytes),
            Megabytes(trim.After.LiveBytes), Math.Round(trim.Pause.TotalMilliseconds, 1)));
        _trimmer.Start();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_trimmer is { } trimmer)
        {
            await trimmer.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _trimmer?.DisposeAsync() ?? ValueTask.CompletedTask;

    private static double Megabytes(long bytes) => Math.Round(bytes / (1024 * 1024.0), 1);

    [LoggerMessage(1, LogLevel.Information,
        "Memory trimming on: after {CalmSeconds} s below {CalmKilobytesPerSecond} KB/s of allocations, when {MinSurplusMegabytes} MB or more can be given back and at most {MaxLiveMegabytes} MB are live")]
    private partial void LogOn(double calmSeconds, long calmKilobytesPerSecond, double minSurplusMegabytes, double maxLiveMegabytes);

    [LoggerMessage(2, LogLevel.Information, "Memory trimming off (MemoryTrim:Enabled=false)")]
    private partial void LogOff();

    [LoggerMessage(3, LogLevel.Information,
        "Calm after a burst: memory given back, resident {ResidentBeforeMegabytes} -> {ResidentAfterMegabytes} MB, heap committed {CommittedBeforeMegabytes} -> {CommittedAfterMegabytes} MB ({LiveMegabytes} MB live), a {PauseMilliseconds} ms pause")]
    private partial void LogTrimmed(double residentBeforeMegabytes, double residentAfterMegabytes, double committedBeforeMegabytes,
        double committedAfterMegabytes, double liveMegabytes, double pauseMilliseconds);
}
