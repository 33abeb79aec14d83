using Microsoft.Extensions.Logging;

namespace Axolotl.Hosting.Memory;

internal static partial class MemoryLog
{
    [LoggerMessage(EventId = 2020, Level = LogLevel.Debug, Message = "Memory reclaimed after a burst: RSS {BeforeMiB:0.0} → {AfterMiB:0.0} MiB, paused {PauseMs:0.0} ms")]
    public static partial void Reclaimed(ILogger logger, double beforeMiB, double afterMiB, double pauseMs);

    [LoggerMessage(EventId = 2021, Level = LogLevel.Debug, Message = "Native heap trimmed under load: {BeforeMiB:0.0} → {AfterMiB:0.0} MiB outside the GC heap, took {PauseMs:0.0} ms")]
    public static partial void NativeTrimmed(ILogger logger, double beforeMiB, double afterMiB, double pauseMs);
}
