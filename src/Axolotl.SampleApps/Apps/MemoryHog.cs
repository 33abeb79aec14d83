using System.Runtime.InteropServices;
using Axolotl.SampleApps.Common;

namespace Axolotl.SampleApps.Apps;

/// <summary>
/// Grows its memory by --step-mib every --interval, writing every page so the memory is really
/// resident and the cgroup's OOM killer sees it; logs how much it holds. With --max-mib it stops
/// growing there and holds the memory until terminated.
/// </summary>
public static class MemoryHog
{
    private const int MiB = 1024 * 1024;

    public static async Task<int> RunAsync(AppArgs args)
    {
        var step = args.GetInt("step-mib", 10);
        var interval = args.GetDuration("interval", TimeSpan.FromSeconds(1));
        var max = args.GetInt("max-mib", 0);
        using var stopping = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stopping.Cancel();
        });

        var held = new List<nint>();
        Log.Line($"memory-hog: allocating {step} MiB every {interval.TotalSeconds:0.###}s" + (max > 0 ? $" up to {max} MiB" : " until killed"));
        try
        {
            while (true)
            {
                var grow = max > 0 ? Math.Min(step, max - held.Count) : step;
                for (var i = 0; i < grow; i++)
                {
                    // Native, not GC, memory: under a cgroup limit the GC's own heap limit (75 % of
                    // it) would end in a managed out-of-memory crash instead of the kernel's OOM kill.
                    held.Add(NativeBlocks.AllocTouched(MiB));
                }

                if (grow > 0)
                {
                    Log.Line($"memory-hog: holding {held.Count} MiB");
                }

                await Task.Delay(interval, TimeProvider.System, stopping.Token);
            }
        }
        catch (OperationCanceledException)
        {
            Log.Line($"memory-hog: received SIGTERM while holding {held.Count} MiB");
            GC.KeepAlive(held);
            return 143;
        }
    }
}
