using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Workloads;

/// <summary>
/// StatefulSets through the real kubectl: ordered creation gated on readiness, identity, `get`/`describe`,
/// `scale`, a partitioned rolling update with `rollout status|history|undo`, cascading delete and the
/// upstream 422s for bad input.
/// </summary>
[Collection(SharedServerDCollection.Name)]
public sealed class StatefulSetTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private readonly Workloads _w = new(fx);

    /// <summary>A headless Service and a StatefulSet "web" of busybox pods that are ready once /tmp/ready exists.</summary>
    public static string Manifest(string ns, int replicas = 3, bool readyAtStart = true, string image = "busybox:1.36", string policy = "OrderedReady") => $$"""
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: {{ns}}
        spec:
          clusterIP: None
          selector: {app: web}
          ports:
          - {name: web, port: 80}
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: web
          namespace: {{ns}}
        spec:
          serviceName: web
          replicas: {{replicas}}
          podManagementPolicy: {{policy}}
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: {{image}}
                command: [sh, -c, "{{(readyAtStart ? "touch /tmp/ready; " : "")}}exec sleep 3600"]
                readinessProbe:
                  exec: {command: [cat, /tmp/ready]}
                  periodSeconds: 1
        """;

    /// <summary>The pod's phase, or "" while it does not exist.</summary>
    public static async Task<string> PhaseAsync(ServerFixture fx, string ns, string pod) =>
        (await fx.Kubectl.RunAsync("get", "pod", pod, "-n", ns, "-o", "jsonpath={.status.phase}")).Stdout;

    public static Task<string> RunningAsync(ServerFixture fx, string ns, string pod) =>
        Eventually.UntilAsync(() => PhaseAsync(fx, ns, pod), p => p == "Running", $"{pod} running", Workloads.Slow);

    private async Task<List<string>> PodsAsync(string ns) => (await _w.LivePodsAsync(ns)).Order(StringComparer.Ordinal).ToList();

    private Task<string> RolloutAsync(string ns) => _w.RolloutStatusAsync(ns, "sts/web");

    [Fact]
    public async Task OrderedReady_creates_each_pod_only_after_the_previous_one_is_ready_and_scale_removes_from_the_top()
    {
        var ns = await fx.NewNamespaceAsync("sts-order");
        Assert.Equal("service/web created\nstatefulset.apps/web created\n", await _w.ApplyAsync(Manifest(ns, readyAtStart: false)));

        foreach (var (pod, index) in new[] { "web-0", "web-1", "web-2" }.Select((p, i) => (p, i)))
        {
            await RunningAsync(fx, ns, pod);
            // Not ready yet: the set must not go further.
            Assert.Equal(new[] { "web-0", "web-1", "web-2" }.Take(index + 1).ToList(), await PodsAsync(ns));
            await fx.Kubectl.OkAsync("exec", pod, "-n", ns, "--", "touch", "/tmp/ready");
        }
        Assert.EndsWith("partitioned roll out complete: 3 new pods have been updated...\n", await RolloutAsync(ns), StringComparison.Ordinal);

        Assert.Equal("web-1", await _w.GetAsync(ns, "pod/web-1", "{.spec.hostname}"));
        Assert.Equal("web", await _w.GetAsync(ns, "pod/web-1", "{.spec.subdomain}"));
        Assert.Equal("web-1 1", await _w.GetAsync(ns, "pod/web-1", "{.metadata.labels.statefulset\\.kubernetes\\.io/pod-name} {.metadata.labels.apps\\.kubernetes\\.io/pod-index}"));
        var revision = await _w.GetAsync(ns, "sts/web", "{.status.updateRevision}");
        Assert.Equal(revision, await _w.GetAsync(ns, "pod/web-1", "{.metadata.labels.controller-revision-hash}"));
        Assert.Equal("StatefulSet web", await _w.GetAsync(ns, "pod/web-1", "{.metadata.ownerReferences[0].kind} {.metadata.ownerReferences[0].name}"));

        var table = await fx.Kubectl.OkAsync("get", "sts", "-n", ns);
        Assert.Equal(["NAME", "READY", "AGE"], TableText.Header(table));
        Assert.Equal(["web", "3/3"], TableText.Row(table, "web")[..2]);
        var wide = await fx.Kubectl.OkAsync("get", "statefulset", "web", "-n", ns, "-o", "wide");
        Assert.Equal(["NAME", "READY", "AGE", "CONTAINERS", "IMAGES"], TableText.Header(wide));
        Assert.Equal(["main", "busybox:1.36"], TableText.Row(wide, "web")[3..]);
        Assert.Contains("statefulset.apps/web", await fx.Kubectl.OkAsync("get", "all", "-n", ns));

        var describe = await fx.Kubectl.OkAsync("describe", "sts", "web", "-n", ns);
        Assert.Matches(@"(?m)^Replicas:\s+3 desired \| 3 total$", describe);
        Assert.Matches(@"(?m)^Update Strategy:\s+RollingUpdate$", describe);
        Assert.Matches(@"(?m)^Pods Status:\s+3 Running / 0 Waiting / 0 Succeeded / 0 Failed$", describe);
        Assert.Matches(@"Normal\s+SuccessfulCreate\s+.*statefulset-controller\s+create Pod web-2 in StatefulSet web successful", describe);

        Assert.Equal("statefulset.apps/web scaled\n", await fx.Kubectl.OkAsync("scale", "sts", "web", "--replicas=1", "-n", ns));
        await Eventually.UntilAsync(() => PodsAsync(ns), p => p.SequenceEqual(["web-0"]), "scale down to web-0", Workloads.Slow);
        var deletes = await _w.EventsAsync(ns, "SuccessfulDelete");
        Assert.Equal(["Normal delete Pod web-2 in StatefulSet web successful", "Normal delete Pod web-1 in StatefulSet web successful"], deletes);

        await fx.Kubectl.OkAsync("scale", "sts", "web", "--replicas=2", "-n", ns);
        await RunningAsync(fx, ns, "web-1");
        Assert.Equal("2", await _w.GetAsync(ns, "sts/web", "{.spec.replicas}"));
        Assert.Contains("\"replicas\":2", await fx.Kubectl.OkAsync("get", "--raw", $"/apis/apps/v1/namespaces/{ns}/statefulsets/web/scale"));

        Assert.Equal("statefulset.apps \"web\" deleted\n", await fx.Kubectl.OkAsync("delete", "sts", "web", "-n", ns));
        await Eventually.UntilAsync(() => PodsAsync(ns), p => p.Count == 0, "the pods deleted with their StatefulSet", Workloads.Slow);
    }

    [Fact]
    public async Task Parallel_creates_every_pod_without_waiting_for_readiness()
    {
        var ns = await fx.NewNamespaceAsync("sts-parallel");
        await _w.ApplyAsync(Manifest(ns, readyAtStart: false, policy: "Parallel"));
        await Eventually.UntilAsync(() => PodsAsync(ns), p => p.SequenceEqual(["web-0", "web-1", "web-2"]), "all three pods", Workloads.Slow);
        Assert.Equal("3 0", await _w.WaitForAsync(ns, "sts/web", "{.status.replicas} {.status.readyReplicas}", s => s == "3 0", "three pods, none ready"));
    }

    [Fact]
    public async Task A_partitioned_rolling_update_then_rollout_history_and_undo()
    {
        var ns = await fx.NewNamespaceAsync("sts-roll");
        await _w.ApplyAsync(Manifest(ns));
        await RolloutAsync(ns);
        var first = await _w.GetAsync(ns, "sts/web", "{.status.currentRevision}");

        await fx.Kubectl.OkAsync("patch", "sts", "web", "-n", ns, "-p", """{"spec":{"updateStrategy":{"rollingUpdate":{"partition":2}}}}""");
        Assert.Equal("statefulset.apps/web image updated\n", await fx.Kubectl.OkAsync("set", "image", "sts/web", "main=busybox:1.37", "-n", ns));
        Assert.EndsWith("partitioned roll out complete: 1 new pods have been updated...\n", await RolloutAsync(ns), StringComparison.Ordinal);
        Assert.Equal("busybox:1.37", await _w.GetAsync(ns, "pod/web-2", "{.spec.containers[0].image}"));
        Assert.Equal("busybox:1.36 busybox:1.36", $"{await _w.GetAsync(ns, "pod/web-0", "{.spec.containers[0].image}")} {await _w.GetAsync(ns, "pod/web-1", "{.spec.containers[0].image}")}");
        Assert.Equal(first, await _w.GetAsync(ns, "sts/web", "{.status.currentRevision}"));
        var second = await _w.GetAsync(ns, "sts/web", "{.status.updateRevision}");
        Assert.NotEqual(first, second);

        await fx.Kubectl.OkAsync("patch", "sts", "web", "-n", ns, "-p", """{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}""");
        Assert.EndsWith("partitioned roll out complete: 3 new pods have been updated...\n", await RolloutAsync(ns), StringComparison.Ordinal);
        Assert.Equal(second, await _w.WaitForAsync(ns, "sts/web", "{.status.currentRevision}", r => r == second, "the update revision made current"));

        var history = TableText.Lines(await fx.Kubectl.OkAsync("rollout", "history", "sts/web", "-n", ns));
        Assert.Equal("statefulset.apps/web", history[0]);
        Assert.Equal(["1", "2"], history.Skip(2).Select(l => TableText.Cells(l)[0]));
        Assert.Matches(@"Image:\s+busybox:1.36", await fx.Kubectl.OkAsync("rollout", "history", "sts/web", "--revision=1", "-n", ns));

        Assert.Equal("statefulset.apps/web rolled back\n", await fx.Kubectl.OkAsync("rollout", "undo", "sts/web", "-n", ns));
        await RolloutAsync(ns);
        await Eventually.UntilAsync(
            async () => string.Join(" ", await Task.WhenAll(new[] { 0, 1, 2 }.Select(i => _w.GetAsync(ns, $"pod/web-{i}", "{.spec.containers[0].image}")))),
            images => images == "busybox:1.36 busybox:1.36 busybox:1.36", "every pod back on busybox:1.36", Workloads.Slow);
        // Revision 1 came back as the newest (3) instead of a new revision being made.
        Assert.Equal(["2", "3"], TableText.Lines(await fx.Kubectl.OkAsync("rollout", "history", "sts/web", "-n", ns)).Skip(2).Select(l => TableText.Cells(l)[0]));
        Assert.Equal(first, await _w.GetAsync(ns, "sts/web", "{.status.updateRevision}"));
    }

    [Fact]
    public async Task OnDelete_replaces_a_pod_only_when_the_user_deletes_it()
    {
        var ns = await fx.NewNamespaceAsync("sts-ondelete");
        await _w.ApplyAsync(Manifest(ns, replicas: 2).Replace("  podManagementPolicy: OrderedReady", "  podManagementPolicy: OrderedReady\n  updateStrategy: {type: OnDelete}", StringComparison.Ordinal));
        await _w.WaitForAsync(ns, "sts/web", "{.status.readyReplicas}", r => r == "2", "two ready pods");
        await fx.Kubectl.OkAsync("set", "image", "sts/web", "main=busybox:1.37", "-n", ns);
        await _w.WaitForAsync(ns, "sts/web", "{.status.observedGeneration}", g => g == "2", "the new generation observed");
        Assert.Equal("busybox:1.36", await _w.GetAsync(ns, "pod/web-1", "{.spec.containers[0].image}"));

        await fx.Kubectl.OkAsync("delete", "pod", "web-1", "-n", ns, "--wait=false");
        await Eventually.UntilAsync(
            async () => (await fx.Kubectl.RunAsync("get", "pod", "web-1", "-n", ns, "-o", "jsonpath={.spec.containers[0].image}")).Stdout,
            i => i == "busybox:1.37", "web-1 recreated from the new template", Workloads.Slow);
        Assert.Equal("busybox:1.36", await _w.GetAsync(ns, "pod/web-0", "{.spec.containers[0].image}"));
        var rollout = await fx.Kubectl.RunAsync("rollout", "status", "sts/web", "-n", ns);
        Assert.NotEqual(0, rollout.ExitCode);
        Assert.Contains("rollout status is only available for RollingUpdate strategy type", rollout.Stderr);
    }

    [Fact]
    public async Task Bad_input_gets_the_upstream_422_with_causes()
    {
        var ns = await fx.NewNamespaceAsync("sts-bad");
        var mismatch = Manifest(ns).Replace("matchLabels: {app: web}", "matchLabels: {app: db}", StringComparison.Ordinal);
        var error = await fx.Kubectl.FailAsync("apply", "-f", fx.WriteFile($"{ns}-mismatch.yaml", mismatch));
        Assert.Contains("The StatefulSet \"web\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`", error);

        var claims = Manifest(ns, replicas: 0) + """

              volumeClaimTemplates:
              - metadata: {name: data}
                spec:
                  accessModes: [ReadWriteOnce]
                  resources: {requests: {storage: 1Mi}}
            """;
        await fx.Kubectl.OkWithInputAsync(claims, "apply", "-f", "-");
        const string forbidden = "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";
        foreach (var (what, changed) in new[]
        {
            ("serviceName", claims.Replace("serviceName: web", "serviceName: other", StringComparison.Ordinal)),
            ("volumeClaimTemplates", claims.Replace("storage: 1Mi", "storage: 2Mi", StringComparison.Ordinal)),
            ("podManagementPolicy", claims.Replace("podManagementPolicy: OrderedReady", "podManagementPolicy: Parallel", StringComparison.Ordinal)),
        })
        {
            var message = await fx.Kubectl.FailAsync("apply", "-f", fx.WriteFile($"{ns}-{what}.yaml", changed));
            Assert.Contains($"The StatefulSet \"web\" is invalid: {forbidden}", message);
        }
    }
}
