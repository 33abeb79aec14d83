using Axolotl.Bench.Infrastructure;

namespace Axolotl.Bench.Measurement;

/// <summary>
/// CPU time one process spends over a phase of a scenario. Divided by the operations in the phase it
/// gives a cost per request that stays comparable between runs on a busy machine, where latency does not.
/// </summary>
internal sealed class CpuMeter
{
    private readonly int _pid;
    private readonly double _start;

    private CpuMeter(int pid)
    {
        _pid = pid;
        _start = ProcStatus.CpuMilliseconds(pid);
    }

    public static CpuMeter Start(int pid) => new(pid);

    public double ElapsedMilliseconds => ProcStatus.CpuMilliseconds(_pid) - _start;

    public double PerOperation(int operations) => ElapsedMilliseconds / Math.Max(1, operations);
}
