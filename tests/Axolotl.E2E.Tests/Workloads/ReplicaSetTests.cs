using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Workloads;

/// <summary>ReplicaSets and ReplicationControllers keep their pods running: create, scale, self-heal, adopt.</summary>
[Collection(SharedServerGCollection.Name)]
public sealed class ReplicaSetTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private readonly Workloads _w = new(fx);

    private static string ReplicaSet(string ns, int replicas) => $$"""
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata:
          name: front
          namespace: {{ns}}
        spec:
          replicas: {{replicas}}
          selector:
            matchLabels: {app: front}
            matchExpressions:
            - {key: tier, operator: In, values: [web, edge]}
            - {key: canary, operator: DoesNotExist}
          template:
            metadata:
              labels: {app: front, tier: web}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: busybox
                command: [sleep, "3600"]
        """;

    private static string ReplicationController(string ns, int replicas) => $$"""
        apiVersion: v1
        kind: ReplicationController
        metadata:
          name: legacy
          namespace: {{ns}}
        spec:
          replicas: {{replicas}}
          selector: {app: legacy}
          template:
            metadata:
              labels: {app: legacy}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: busybox
                command: [sleep, "3600"]
        """;

    [Fact]
    public async Task A_replica_set_starts_its_pods_scales_and_replaces_a_deleted_pod()
    {
        var ns = await fx.NewNamespaceAsync("rs");
        await _w.ApplyAsync(ReplicaSet(ns, 2));

        await _w.WaitForAsync(ns, "rs/front", "{.status.readyReplicas}", r => r == "2", "2 ready replicas");
        var table = await fx.Kubectl.OkAsync("get", "rs", "front", "-n", ns);
        Assert.Equal(["front", "2", "2", "2"], TableText.Row(table, "front")[..4]);
        var pods = await _w.LivePodsAsync(ns, "app=front");
        Assert.Equal(2, pods.Count);
        Assert.All(pods, p => Assert.Matches("^front-[a-z0-9]{5}$", p));
        Assert.Equal("ReplicaSet front true", await fx.Kubectl.OkAsync("get", "pod", pods[0], "-n", ns, "-o",
            "jsonpath={.metadata.ownerReferences[0].kind} {.metadata.ownerReferences[0].name} {.metadata.ownerReferences[0].controller}"));

        Assert.Equal("replicaset.apps/front scaled\n", await fx.Kubectl.OkAsync("scale", "rs", "front", "--replicas=3", "-n", ns));
        await _w.WaitForAsync(ns, "rs/front", "{.status.readyReplicas}", r => r == "3", "3 ready replicas");

        var victim = (await _w.LivePodsAsync(ns, "app=front"))[0];
        await fx.Kubectl.OkAsync("delete", "pod", victim, "-n", ns, "--wait=false");
        var healed = await Eventually.UntilAsync(() => _w.LivePodsAsync(ns, "app=front"), p => p.Count == 3 && !p.Contains(victim),
            "a replacement for the deleted pod", Workloads.Slow);
        Assert.DoesNotContain(victim, healed);
        await _w.WaitForAsync(ns, "rs/front", "{.status.readyReplicas}", r => r == "3", "3 ready replicas again");

        Assert.Equal("replicaset.apps/front scaled\n", await fx.Kubectl.OkAsync("scale", "rs", "front", "--replicas=1", "-n", ns));
        await Eventually.UntilAsync(() => _w.LivePodsAsync(ns, "app=front"), p => p.Count == 1, "scale down to 1", Workloads.Slow);

        var describe = await fx.Kubectl.OkAsync("describe", "rs", "front", "-n", ns);
        Assert.Matches(@"Normal\s+SuccessfulCreate\s+.*replicaset-controller\s+Created pod: front-[a-z0-9]{5}", describe);
        Assert.Matches(@"Normal\s+SuccessfulDelete\s+.*replicaset-controller\s+Deleted pod: front-[a-z0-9]{5}", describe);
        Assert.Matches(@"(?m)^Replicas:\s+1 current / 1 desired$", describe);
    }

    [Fact]
    public async Task A_replica_set_adopts_a_matching_orphan_instead_of_creating_a_pod()
    {
        var ns = await fx.NewNamespaceAsync("rs-adopt");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: stray
              namespace: {{ns}}
              labels: {app: front, tier: edge}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: busybox
                command: [sleep, "3600"]
            """, "apply", "-f", "-");

        await _w.ApplyAsync(ReplicaSet(ns, 2));

        await _w.WaitForAsync(ns, "pod/stray", "{.metadata.ownerReferences[0].name}", o => o == "front", "the orphan adopted");
        await _w.WaitForAsync(ns, "rs/front", "{.status.readyReplicas}", r => r == "2", "2 ready replicas");
        var pods = await _w.LivePodsAsync(ns, "app=front");
        Assert.Equal(2, pods.Count);
        Assert.Contains("stray", pods);
        // The orphan's tier is not the template's: the pod counts, but not as fully labelled.
        Assert.Equal("1", await _w.GetAsync(ns, "rs/front", "{.status.fullyLabeledReplicas}"));
    }

    [Fact]
    public async Task A_replication_controller_keeps_its_pods_running_and_scales()
    {
        var ns = await fx.NewNamespaceAsync("rc");
        await _w.ApplyAsync(ReplicationController(ns, 2));

        await _w.WaitForAsync(ns, "rc/legacy", "{.status.readyReplicas}", r => r == "2", "2 ready replicas");
        var table = await fx.Kubectl.OkAsync("get", "rc", "legacy", "-n", ns);
        Assert.Equal(["NAME", "DESIRED", "CURRENT", "READY", "AGE"], TableText.Header(table));
        Assert.Equal(["legacy", "2", "2", "2"], TableText.Row(table, "legacy")[..4]);
        Assert.Equal("1", await _w.GetAsync(ns, "rc/legacy", "{.status.observedGeneration}"));

        var victim = (await _w.LivePodsAsync(ns, "app=legacy"))[0];
        await fx.Kubectl.OkAsync("delete", "pod", victim, "-n", ns, "--wait=false");
        await Eventually.UntilAsync(() => _w.LivePodsAsync(ns, "app=legacy"), p => p.Count == 2 && !p.Contains(victim),
            "a replacement for the deleted pod", Workloads.Slow);

        Assert.Equal("replicationcontroller/legacy scaled\n", await fx.Kubectl.OkAsync("scale", "rc", "legacy", "--replicas=3", "-n", ns));
        await _w.WaitForAsync(ns, "rc/legacy", "{.status.readyReplicas}", r => r == "3", "3 ready replicas");
        Assert.Equal("ReplicationController legacy", await fx.Kubectl.OkAsync("get", "pod", (await _w.LivePodsAsync(ns, "app=legacy"))[0], "-n", ns, "-o",
            "jsonpath={.metadata.ownerReferences[0].kind} {.metadata.ownerReferences[0].name}"));
        var events = await _w.EventsAsync(ns, "SuccessfulCreate", "legacy");
        Assert.True(events.Count >= 4, string.Join('\n', events));
        Assert.All(events, e => Assert.Matches("^Normal Created pod: legacy-[a-z0-9]{5}$", e));
    }
}
