using Axolotl.Runtime;

namespace Axolotl.Runtime.Tests;

/// <summary>
/// A restart with unchanged limits skips writing them again; changed limits, and a cgroup removed
/// meanwhile, are written as new. Needs root and the node's memory hierarchy (v1 or v2).
/// </summary>
public sealed class CgroupLimitsTests
{
    private static readonly string Root = $"axolotl-limits-test-{Environment.ProcessId}";

    private static ContainerSpec Spec(long memory) =>
        new("pod", "c", ["true"], new Dictionary<string, string>(), null, "/dev/null", MemoryLimitBytes: memory);

    [Fact]
    public void Changed_limits_and_a_recreated_cgroup_get_their_limits_written()
    {
        if (Environment.UserName != "root" || !Directory.Exists("/sys/fs/cgroup/memory") && !Cgroups.IsPureV2)
        {
            return;
        }

        var path = $"{Root}/pod/c";
        var limitFile = Cgroups.IsPureV2 ? $"/sys/fs/cgroup/{path}/memory.max" : $"/sys/fs/cgroup/memory/{path}/memory.limit_in_bytes";
        try
        {
            Cgroups.Create(path, Spec(64L << 20));
            Assert.Equal((64L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(limitFile).Trim());

            Cgroups.Create(path, Spec(32L << 20));
            Assert.Equal((32L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(limitFile).Trim());

            var cgroups = Cgroups.Create(path, Spec(32L << 20));
            cgroups.Remove();
            Cgroups.Create(path, Spec(32L << 20));
            Assert.Equal((32L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(limitFile).Trim());
        }
        finally
        {
            Cgroups.RemovePod($"{Root}/pod");
            foreach (var hierarchy in new[] { "", "memory", "cpu", "cpuacct", "pids", "devices", "unified" })
            {
                var dir = Path.Combine("/sys/fs/cgroup", hierarchy, Root);
                if (Directory.Exists(dir))
                {
                    Directory.Delete(dir);
                }
            }
        }
    }
}
