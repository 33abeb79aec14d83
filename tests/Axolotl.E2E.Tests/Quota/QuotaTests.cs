using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Quota;

/// <summary>ResourceQuota and LimitRange through the real kubectl: refusals with upstream's words, status and describe output.</summary>
[Collection(SharedServerGCollection.Name)]
public sealed class QuotaTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private readonly Workloads.Workloads _w = new(fx);

    private static readonly string[] Sleep = ["--restart=Never", "--command", "--", "sleep", "3600"];

    private Task<string> RunPodAsync(string ns, string name, params string[] extra) =>
        fx.Kubectl.OkAsync(["run", name, "-n", ns, "--image=busybox:1.36", .. extra, .. Sleep]);

    private Task<string> FailRunPodAsync(string ns, string name, params string[] extra) =>
        fx.Kubectl.FailAsync(["run", name, "-n", ns, "--image=busybox:1.36", .. extra, .. Sleep]);

    [Fact]
    public async Task The_third_pod_under_a_two_pod_quota_is_refused_and_describe_shows_used_and_hard()
    {
        var ns = await fx.NewNamespaceAsync("quota");
        Assert.Equal("resourcequota/two-pods created\n", await fx.Kubectl.OkAsync("create", "quota", "two-pods", "--hard=pods=2", "-n", ns));
        await RunPodAsync(ns, "one");
        await RunPodAsync(ns, "two");

        var error = await FailRunPodAsync(ns, "three");

        Assert.Equal("Error from server (Forbidden): pods \"three\" is forbidden: exceeded quota: two-pods, requested: pods=1, used: pods=2, limited: pods=2\n", error);
        var describe = await fx.Kubectl.OkAsync("describe", "quota", "two-pods", "-n", ns);
        Assert.Equal($"""
            Name:       two-pods
            Namespace:  {ns}
            Resource    Used  Hard
            --------    ----  ----
            pods        2     2

            """, describe);
        var table = await fx.Kubectl.OkAsync("get", "quota", "two-pods", "-n", ns, "--no-headers");
        Assert.Contains("pods: 2/2", table, StringComparison.Ordinal);

        // A deleted pod frees its slot and the status follows without any further create.
        await fx.Kubectl.OkAsync("delete", "pod", "one", "-n", ns, "--grace-period=0", "--force");
        await _w.WaitForAsync(ns, "quota/two-pods", "{.status.used.pods}", u => u == "1", "status.used.pods to drop to 1");
        await RunPodAsync(ns, "three");
    }

    [Fact]
    public async Task A_cpu_and_memory_quota_names_the_missing_requests_until_a_limit_range_supplies_them()
    {
        var ns = await fx.NewNamespaceAsync("quota-compute");
        await fx.Kubectl.OkAsync("create", "quota", "compute", "--hard=requests.cpu=1,requests.memory=1Gi,limits.cpu=2,limits.memory=2Gi", "-n", ns);

        var error = await FailRunPodAsync(ns, "bare");
        Assert.Equal("Error from server (Forbidden): pods \"bare\" is forbidden: failed quota: compute: must specify limits.cpu for: bare; " +
            "limits.memory for: bare; requests.cpu for: bare; requests.memory for: bare\n", error);

        await _w.ApplyAsync($"""
            apiVersion: v1
            kind: LimitRange
            metadata: {"{"}name: defaults, namespace: {ns}{"}"}
            spec:
              limits:
              - type: Container
                default: {"{"}cpu: 500m, memory: 256Mi{"}"}
                defaultRequest: {"{"}cpu: 250m, memory: 128Mi{"}"}
            """);
        await RunPodAsync(ns, "defaulted");
        Assert.Equal("LimitRanger plugin set: cpu, memory request for container defaulted; cpu, memory limit for container defaulted",
            await fx.Kubectl.OkAsync("get", "pod", "defaulted", "-n", ns, "-o", "jsonpath={.metadata.annotations.kubernetes\\.io/limit-ranger}"));

        var describe = await fx.Kubectl.OkAsync("describe", "quota", "compute", "-n", ns);
        Assert.Equal($"""
            Name:            compute
            Namespace:       {ns}
            Resource         Used   Hard
            --------         ----   ----
            limits.cpu       500m   2
            limits.memory    256Mi  2Gi
            requests.cpu     250m   1
            requests.memory  128Mi  1Gi

            """, describe);

        await RunPodAsync(ns, "second");
        await RunPodAsync(ns, "third");
        await RunPodAsync(ns, "fourth");
        error = await FailRunPodAsync(ns, "fifth");
        Assert.Equal("Error from server (Forbidden): pods \"fifth\" is forbidden: exceeded quota: compute, requested: limits.cpu=500m,requests.cpu=250m, " +
            "used: limits.cpu=2,requests.cpu=1, limited: limits.cpu=2,requests.cpu=1\n", error);
    }

    [Fact]
    public async Task A_limit_range_refuses_containers_outside_min_and_max()
    {
        var ns = await fx.NewNamespaceAsync("limits");
        await _w.ApplyAsync($"""
            apiVersion: v1
            kind: LimitRange
            metadata: {"{"}name: bounds, namespace: {ns}{"}"}
            spec:
              limits:
              - type: Container
                min: {"{"}cpu: 100m{"}"}
                max: {"{"}cpu: "1", memory: 512Mi{"}"}
            """);

        var small = await FailRunPodAsync(ns, "small", "--overrides", """{"spec":{"containers":[{"name":"small","image":"busybox:1.36","command":["sleep","3600"],"resources":{"requests":{"cpu":"50m"},"limits":{"cpu":"50m","memory":"64Mi"}}}]}}""");
        Assert.Equal("Error from server (Forbidden): pods \"small\" is forbidden: minimum cpu usage per Container is 100m, but request is 50m.\n", small);

        var big = await FailRunPodAsync(ns, "big", "--overrides", """{"spec":{"containers":[{"name":"big","image":"busybox:1.36","command":["sleep","3600"],"resources":{"limits":{"cpu":"2","memory":"1Gi"}}}]}}""");
        Assert.Equal("Error from server (Forbidden): pods \"big\" is forbidden: [maximum cpu usage per Container is 1, but limit is 2., " +
            "maximum memory usage per Container is 512Mi, but limit is 1Gi.]\n", big);

        await RunPodAsync(ns, "fits");
        Assert.Equal("1 512Mi", await fx.Kubectl.OkAsync("get", "pod", "fits", "-n", ns, "-o",
            "jsonpath={.spec.containers[0].resources.limits.cpu} {.spec.containers[0].resources.limits.memory}"));
    }

    [Fact]
    public async Task A_deployment_beyond_its_quota_reports_FailedCreate_and_recovers_when_the_quota_is_raised()
    {
        var ns = await fx.NewNamespaceAsync("quota-deploy");
        await fx.Kubectl.OkAsync("create", "quota", "pods", "--hard=pods=2", "-n", ns);
        await _w.ApplyAsync(Workloads.Workloads.Deployment(ns, replicas: 3));

        var events = await Eventually.UntilAsync(
            () => fx.Kubectl.OkAsync("get", "events", "-n", ns, "--field-selector", "reason=FailedCreate", "-o", "jsonpath={range .items[*]}{.involvedObject.kind} {.message}{\"\\n\"}{end}"),
            e => e.Contains("exceeded quota", StringComparison.Ordinal), "a FailedCreate event", Workloads.Workloads.Slow);
        Assert.Matches(@"ReplicaSet Error creating: pods ""web-[a-z0-9]+-[a-z0-9]{5}"" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=2, limited: pods=2", events);
        var condition = await _w.WaitForAsync(ns, "rs", "{.items[0].status.conditions[?(@.type==\"ReplicaFailure\")].reason}", r => r == "FailedCreate", "a ReplicaFailure condition");
        Assert.Equal("FailedCreate", condition);
        Assert.Equal(2, (await _w.LivePodsAsync(ns)).Count);

        await fx.Kubectl.OkAsync("patch", "quota", "pods", "-n", ns, "--type=merge", "-p", """{"spec":{"hard":{"pods":"3"}}}""");

        await Eventually.UntilAsync(() => _w.LivePodsAsync(ns), p => p.Count == 3, "the third pod after raising the quota", Workloads.Workloads.Slow);
        await _w.WaitForAsync(ns, "rs", "{.items[0].status.conditions}", c => !c.Contains("ReplicaFailure", StringComparison.Ordinal), "the ReplicaFailure condition to clear");
        Assert.Equal("3 3", await _w.WaitForAsync(ns, "quota/pods", "{.status.used.pods} {.status.hard.pods}", s => s == "3 3", "quota status 3/3"));
    }
}
