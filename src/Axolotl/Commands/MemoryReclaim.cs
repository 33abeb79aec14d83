using Axolotl.Hosting.Memory;
using Microsoft.Extensions.Logging;

namespace Axolotl.Commands;

/// <summary>`--reclaim-memory` (default true) of `server` and `agent`: gives a burst's memory back once the process is quiet (see <see cref="MemoryReclaimer"/>).</summary>
internal static class MemoryReclaim
{
    public const string Flag = "reclaim-memory";

    public static MemoryReclaimer? Start(CommandLine args, ILoggerFactory logging, TimeProvider clock, CancellationToken stopping)
    {
        if (!args.GetBool(Flag, true))
        {
            return null;
        }
        var reclaimer = new MemoryReclaimer(new MemoryReclaimerOptions(), clock, logging.CreateLogger("axolotl.memory"));
        reclaimer.Start(stopping);
        return reclaimer;
    }
}
