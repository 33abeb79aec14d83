using System.Globalization;
using System.Text.RegularExpressions;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Scenarios;

/// <summary>
/// Scenario S2 steps 6, 7 and the clean-up of 9 (seed 001, 12.4–12.5) as
/// examples/s2-probes-resources-quotas/README.md walks them: a memory quota and a CPU quota too small
/// for the pods (FailedCreate, exceeded quota, in `describe replicaset`), the pi app slower under a
/// CPU limit, and `delete all -l` / `delete ns -l` removing everything.
/// </summary>
[Collection(S2Kit.Collection)]
public sealed partial class S2QuotaCpuTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Quotas_stop_the_replicasets_a_cpu_limit_slows_pi_and_label_cleanup_removes_everything()
    {
        // 6. Memory quota 150Mi, pod limit 200Mi: the ReplicaSet cannot create its pod.
        Assert.Equal("namespace/kiamol-ch12-memory created\nresourcequota/memory-quota created\ndeployment.apps/memory-allocator created\n",
            await S2Kit.ApplyAsync(fx, "memory-allocator/namespace-with-quota/"));
        var rs = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("describe", "replicaset", "-n", "kiamol-ch12-memory"),
            d => d.Contains("FailedCreate"), "FailedCreate on the memory ReplicaSet", S2Kit.Slow);
        Assert.Matches(@"Warning\s+FailedCreate\s+.*replicaset-controller\s+Error creating: pods ""memory-allocator-\S+"" is forbidden: " +
            @"exceeded quota: memory-quota, requested: limits.memory=200Mi, used: limits.memory=0, limited: limits.memory=150Mi", rs);
        Assert.Matches(@"Replicas:\s+0 current / 1 desired", rs);
        Assert.Matches(@"memory-allocator-\S+\s+1\s+0\s+0\s", await fx.Kubectl.OkAsync("get", "replicaset", "-n", "kiamol-ch12-memory"));

        // 7. pi without and with a CPU limit: the same computation takes longer under 250m.
        Assert.Equal("service/pi-web created\ndeployment.apps/pi-web created\n", await S2Kit.ApplyAsync(fx, "pi/"));
        var url = await fx.Kubectl.OkAsync("get", "svc", "pi-web", "-o", "jsonpath=http://{.status.loadBalancer.ingress[0].*}:8012/?dp=50000");
        Assert.Matches(@"^http://\d+\.\d+\.\d+\.\d+:8012/\?dp=50000$", url);
        var free = await PiMillisAsync(url);
        Assert.Equal("deployment.apps/pi-web configured\n", await S2Kit.ApplyAsync(fx, "pi/update/web-with-cpu-limit.yaml"));
        var rollout = await fx.Kubectl.RunAsync(["rollout", "status", "deployment/pi-web", "--timeout=60s"], null, timeout: TimeSpan.FromSeconds(70));
        Assert.True(rollout.ExitCode == 0, rollout.ToString());
        await Eventually.UntilAsync(() => S2Kit.PodNamesAsync(fx, "app=pi-web"), p => p.Length == 1, "the unlimited pod gone", S2Kit.Slow);
        var limited = await PiMillisAsync(url);
        // The kernel's CFS quota inside the container, where (as under runc) /sys/fs/cgroup shows only
        // the container's own cgroups: 25 ms of CPU per 100 ms period.
        var pod = (await S2Kit.PodNamesAsync(fx, "app=pi-web")).Single();
        Assert.Equal("25000", (await fx.Kubectl.OkAsync("exec", pod, "--", "cat", "/sys/fs/cgroup/cpu/cpu.cfs_quota_us")).Trim());
        // On an overloaded machine an unlimited process gets less than a quarter core too, so the
        // comparison only means something when the load leaves it more.
        if (LoadAverage() < Environment.ProcessorCount)
        {
            Assert.True(limited > free * 1.5, $"dp=50000 took {free} ms without a limit and {limited} ms with 250m");
        }

        // 7. CPU quota 500m, two pods of 300m: only one is created.
        Assert.Equal("namespace/kiamol-ch12-cpu created\nresourcequota/cpu-quota created\nservice/pi-web created\ndeployment.apps/pi-web created\n",
            await S2Kit.ApplyAsync(fx, "pi/namespace-with-quota/"));
        var cpuRs = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("describe", "replicaset", "-n", "kiamol-ch12-cpu"),
            d => d.Contains("FailedCreate"), "FailedCreate on the pi ReplicaSet", S2Kit.Slow);
        Assert.Matches(@"Warning\s+FailedCreate\s+.*replicaset-controller\s+Error creating: pods ""pi-web-\S+"" is forbidden: " +
            @"exceeded quota: cpu-quota, requested: limits.cpu=300m, used: limits.cpu=300m, limited: limits.cpu=500m", cpuRs);
        Assert.Matches(@"pi-web-\S+\s+2\s+1\s+[01]\s", await fx.Kubectl.OkAsync("get", "replicaset", "-n", "kiamol-ch12-cpu"));
        await S2Kit.UntilJsonPathAsync(fx, "endpoints/pi-web", "{.subsets[*].addresses[*].ip}", ips => S2Kit.Count(ips) == 1, "one pi endpoint", "kiamol-ch12-cpu");

        // 9. Clean-up by label.
        var deleted = await fx.Kubectl.OkAsync("delete", "ns", "-l", "kiamol=ch12");
        Assert.Equal("namespace \"kiamol-ch12-cpu\" deleted\nnamespace \"kiamol-ch12-memory\" deleted\n", deleted);
        var all = await fx.Kubectl.OkAsync("delete", "all", "-l", "kiamol=ch12");
        Assert.Contains("service \"pi-web\" deleted", all);
        Assert.Contains("deployment.apps \"pi-web\" deleted", all);
        var left = await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "all,ns", "-l", "kiamol=ch12", "-A"),
            r => r.Stdout.Length == 0, "nothing labelled kiamol=ch12 left", S2Kit.Slow);
        Assert.Contains("No resources found", left.Stderr);
        await Eventually.UntilAsync(() => S2Kit.PodNamesAsync(fx, "app=pi-web"), p => p.Length == 0, "the pi pods gone", S2Kit.Slow);
    }

    private static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    /// <summary>GET /?dp=50000 and the computation time the page reports, in ms.</summary>
    private static async Task<double> PiMillisAsync(string url)
    {
        var page = await Eventually.UntilAsync(() => S2Kit.GetAsync(url, TimeSpan.FromSeconds(60)), r => r?.Status == 200, "a pi page", S2Kit.Slow);
        var match = Millis().Match(page!.Value.Body);
        Assert.True(match.Success, $"no computation time in:\n{page.Value.Body}");
        Assert.Contains("Pi to 50000 decimal places", page.Value.Body);
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"(\d+(?:\.\d+)?)\s*ms")]
    private static partial Regex Millis();
}
