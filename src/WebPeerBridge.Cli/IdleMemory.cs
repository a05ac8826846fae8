using Microsoft.Extensions.Logging;
using WebPeerBridge.Protocol.Memory;

namespace WebPeerBridge.Cli;

/// <summary>
/// The terminal peer's idle memory trimmer, with the defaults of <see cref="MemoryTrimOptions"/> (the peer has no
/// configuration file): after a burst, such as a flood of links from a hostile host, a calm peer gives its heap's surplus back.
/// </summary>
internal static partial class IdleMemory
{
    public static IdleMemoryTrimmer StartTrimmer(ILogger logger, TimeProvider time)
    {
        var trimmer = new IdleMemoryTrimmer(new MemoryTrimOptions(), time, trim => LogTrimmed(logger,
            Megabytes(trim.Before.ResidentBytes), Megabytes(trim.After.ResidentBytes), Megabytes(trim.Before.CommittedBytes), Megabytes(trim.After.CommittedBytes),
            Megabytes(trim.After.LiveBytes), Math.Round(trim.Pause.TotalMilliseconds, 1)));
        trimmer.Start();
        return trimmer;
    }

    private static double Megabytes(long bytes) => Math.Round(bytes / (1024 * 1024.0), 1);

    [LoggerMessage(1, LogLevel.Information,
        "Calm after a burst: memory given back, resident {ResidentBeforeMegabytes} -> {ResidentAfterMegabytes} MB, heap committed {CommittedBeforeMegabytes} -> {CommittedAfterMegabytes} MB ({LiveMegabytes} MB live), a {PauseMilliseconds} ms pause")]
    private static partial void LogTrimmed(ILogger logger, double residentBeforeMegabytes, double residentAfterMegabytes, double committedBeforeMegabytes,
        double committedAfterMegabytes, double liveMegabytes, double pauseMilliseconds);
}
