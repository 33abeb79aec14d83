using System.Globalization;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests;

/// <summary>
/// What the seed notes do by hand: kill PID 1 from inside a container and watch it come back, read
/// the killed instance's output with logs --previous, and see a CPU limit hold (from the cgroup).
/// </summary>
[Collection(SharedServerECollection.Name)]
public sealed class ContainerHealingTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);

    private Task<string> JsonPath(string ns, string pod, string path) =>
        fx.Kubectl.OkAsync("get", "pod", pod, "-n", ns, "-o", $"jsonpath={path}");

    private async Task RunAsync(string ns, string name, string containerSpec)
    {
        var manifest = $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  containers:\n{containerSpec}";
        await fx.Kubectl.OkWithInputAsync(manifest, "apply", "-f", "-");
        await Eventually.UntilAsync(() => JsonPath(ns, name, "{.status.containerStatuses[0].state.running.startedAt}"),
            s => s.Length > 0, $"{name} running", Slow);
    }

    [Fact]
    public async Task Kill_1_inside_the_container_restarts_it_and_logs_previous_shows_the_killed_instance()
    {
        var ns = await fx.NewNamespaceAsync("kill1");
        await RunAsync(ns, "victim", "  - name: c\n    image: busybox\n    command: [sh, -c, 'echo instance started; sleep 3600']\n");

        await fx.Kubectl.KillPid1Async(ns, "victim", "kill", "1");

        await Eventually.UntilAsync(() => JsonPath(ns, "victim", "{.status.containerStatuses[0].restartCount}"),
            r => r == "1", "restartCount 1", Slow);
        await Eventually.UntilAsync(() => JsonPath(ns, "victim", "{.status.containerStatuses[0].state.running.startedAt}"),
            s => s.Length > 0, "running again", Slow);
        Assert.Equal("143", await JsonPath(ns, "victim", "{.status.containerStatuses[0].lastState.terminated.exitCode}"));
        Assert.Contains("instance started", await fx.Kubectl.OkAsync("logs", "victim", "-n", ns, "--previous"));
    }

    [Fact]
    public async Task A_cpu_limited_busy_loop_is_throttled_to_its_limit()
    {
        var ns = await fx.NewNamespaceAsync("cpu");
        await RunAsync(ns, "spinner", "  - name: c\n    image: busybox\n    command: [sh, -c, 'while :; do :; done']\n    resources:\n      limits: {cpu: 200m}\n");
        var uid = await JsonPath(ns, "spinner", "{.metadata.uid}");
        var cgroup = Path.Combine("/sys/fs/cgroup/cpu", $"axolotl-{fx.Server.NodeName}", uid, "c");
        Assert.Equal("20000", File.ReadAllText(Path.Combine(cgroup, "cpu.cfs_quota_us")).Trim());

        var usage = Path.Combine("/sys/fs/cgroup/cpuacct", $"axolotl-{fx.Server.NodeName}", uid, "c", "cpuacct.usage");
        var before = long.Parse(File.ReadAllText(usage), CultureInfo.InvariantCulture);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(2));
        var used = long.Parse(File.ReadAllText(usage), CultureInfo.InvariantCulture) - before;
        var share = used / (started.Elapsed.TotalMilliseconds * 1_000_000);

        // 0.2 CPU, with room for scheduling noise; an unthrottled loop would use close to a whole CPU.
        Assert.InRange(share, 0.05, 0.35);
        Assert.Contains("nr_throttled", File.ReadAllText(Path.Combine(cgroup, "cpu.stat")));
        Assert.True(ThrottledPeriods(cgroup) > 0, "the loop was never throttled");
    }

    private static long ThrottledPeriods(string cgroup) =>
        File.ReadLines(Path.Combine(cgroup, "cpu.stat"))
            .Select(l => l.Split(' '))
            .Where(p => p[0] == "nr_throttled")
            .Select(p => long.Parse(p[1], CultureInfo.InvariantCulture))
            .Single();
}
