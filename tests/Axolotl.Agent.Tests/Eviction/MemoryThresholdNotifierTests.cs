using System.Diagnostics;
using System.Globalization;
using Axolotl.Agent.Eviction;

namespace Axolotl.Agent.Tests.Eviction;

/// <summary>
/// The fast path against the real kernel (root, cgroup v1 memory hierarchy): a threshold on a
/// cgroup's memory.usage_in_bytes wakes the notifier when a process in it grows past the value.
/// </summary>
public sealed class MemoryThresholdNotifierTests : IDisposable
{
    private readonly string _cgroup = Path.Combine("/sys/fs/cgroup/memory", "axolotl-test-notifier-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

    [Fact]
    public async Task Crossing_the_threshold_wakes_the_notifier_and_the_pods_cgroup_reads_its_limit_and_working_set()
    {
        var pods = new PodsCgroup(Path.GetFileName(_cgroup));
        Assert.True(pods.EnsureLimit(256L << 20));
        Assert.Equal(256L << 20, pods.ReadLimit());

        var crossed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var notifier = MemoryThresholdNotifier.TryCreate(pods.UsageFile!, 16L << 20, () => crossed.TrySetResult());
        Assert.NotNull(notifier);

        // tail keeps its whole input in memory: 48 MiB inside the cgroup, then it waits on the pipe.
        using var hog = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", $"echo $$ > {_cgroup}/cgroup.procs; head -c 50331648 /dev/zero | tail -c 50331648 | sleep 30"]))!;
        try
        {
            await crossed.Task.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.True(pods.ReadMemory() is { WorkingSet: > 16L << 20 });
        }
        finally
        {
            foreach (var pid in File.ReadAllLines(Path.Combine(_cgroup, "cgroup.procs")))
            {
                try
                {
                    Process.GetProcessById(int.Parse(pid, CultureInfo.InvariantCulture)).Kill();
                }
                catch (ArgumentException)
                {
                }
            }
            await hog.WaitForExitAsync();
        }
    }

    public void Dispose()
    {
        for (var i = 0; i < 50 && Directory.Exists(_cgroup); i++)
        {
            try
            {
                Directory.Delete(_cgroup);
            }
            catch (IOException)
            {
                Thread.Sleep(100);
            }
        }
    }
}
