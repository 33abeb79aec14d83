using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Workloads;

/// <summary>`kubectl rollout` (status, history, undo, pause, resume, restart), `set image` and `scale` on Deployments.</summary>
[Collection(SharedServerACollection.Name)]
public sealed class DeploymentRolloutTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private readonly Workloads _w = new(fx);

    private async Task<string> RolledOutAsync(string prefix)
    {
        var ns = await fx.NewNamespaceAsync(prefix);
        Assert.Equal("deployment.apps/web created\n", await _w.ApplyAsync(Workloads.Deployment(ns)));
        Assert.EndsWith("deployment \"web\" successfully rolled out\n", await _w.RolloutStatusAsync(ns), StringComparison.Ordinal);
        return ns;
    }

    private Task<string> ImageAsync(string ns) => _w.GetAsync(ns, "deployment/web", "{.spec.template.spec.containers[0].image}");

    [Fact]
    public async Task A_new_deployment_rolls_out_a_replica_set_named_after_its_pod_template_hash()
    {
        var ns = await RolledOutAsync("deploy");

        var rs = Assert.Single(await _w.ReplicaSetsAsync(ns));
        var name = Workloads.ReplicaSetName().Match(rs.Name);
        Assert.True(name.Success, rs.Name);
        Assert.Equal((1, 2), (rs.Revision, rs.Replicas));
        Assert.Equal(name.Groups["hash"].Value, await _w.GetAsync(ns, $"rs/{rs.Name}", "{.metadata.labels.pod-template-hash}"));
        Assert.All(await _w.LivePodsAsync(ns), p => Assert.StartsWith($"{rs.Name}-", p, StringComparison.Ordinal));
        Assert.Equal(["web", "2/2", "2", "2"], TableText.Row(await fx.Kubectl.OkAsync("get", "deployment", "web", "-n", ns), "web")[..4]);
        Assert.Equal("1", await _w.GetAsync(ns, "deployment/web", "{.metadata.annotations.deployment\\.kubernetes\\.io/revision}"));

        var describe = await fx.Kubectl.OkAsync("describe", "deployment", "web", "-n", ns);
        Assert.Matches(@"(?m)^Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable$", describe);
        Assert.Matches(@"(?m)^\s+Available\s+True\s+MinimumReplicasAvailable$", describe);
        Assert.Matches(@"(?m)^\s+Progressing\s+True\s+NewReplicaSetAvailable$", describe);
        Assert.Matches($@"(?m)^NewReplicaSet:\s+{rs.Name} \(2/2 replicas created\)$", describe);
        Assert.Matches($@"Normal\s+ScalingReplicaSet\s+.*deployment-controller\s+Scaled up replica set {rs.Name} from 0 to 2", describe);
    }

    [Fact]
    public async Task Set_image_rolls_out_a_new_replica_set_and_history_lists_both_revisions()
    {
        var ns = await RolledOutAsync("setimage");

        Assert.Equal("deployment.apps/web image updated\n", await fx.Kubectl.OkAsync("set", "image", "deployment/web", "main=busybox:1.37", "-n", ns));
        await fx.Kubectl.OkAsync("annotate", "deployment/web", "kubernetes.io/change-cause=upgrade to 1.37", "-n", ns);
        await _w.RolloutStatusAsync(ns);

        var replicaSets = await _w.ReplicaSetsAsync(ns);
        Assert.Equal([(1, 0, "busybox:1.36"), (2, 2, "busybox:1.37")], replicaSets.Select(r => (r.Revision, r.Replicas, r.Image)));
        await Eventually.UntilAsync(() => _w.HistoryAsync(ns), h => h.Count == 2 && h[1].ChangeCause == "upgrade to 1.37", "the change cause in the history", Workloads.Slow);
        Assert.Equal([(1, "<none>"), (2, "upgrade to 1.37")], await _w.HistoryAsync(ns));
        var revision1 = await fx.Kubectl.OkAsync("rollout", "history", "deployment/web", "--revision=1", "-n", ns);
        Assert.Contains("deployment.apps/web with revision #1", revision1);
        Assert.Matches(@"Image:\s+busybox:1.36", revision1);
        // kubectl prints the ReplicaSet's template as it is, hash label included.
        Assert.Contains("pod-template-hash=", revision1);
        Assert.All(await _w.LivePodsAsync(ns), p => Assert.StartsWith(replicaSets[1].Name, p, StringComparison.Ordinal));
        var scaling = await _w.EventsAsync(ns, "ScalingReplicaSet");
        Assert.Contains($"Normal Scaled up replica set {replicaSets[1].Name} from 0 to 1", scaling);
        Assert.Contains(scaling, e => e.StartsWith($"Normal Scaled down replica set {replicaSets[0].Name} from ", StringComparison.Ordinal) && e.EndsWith(" to 0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Undo_restores_the_previous_template_as_a_new_revision_and_to_revision_picks_one()
    {
        var ns = await RolledOutAsync("undo");
        foreach (var image in new[] { "busybox:1.37", "busybox:1.38" })
        {
            await fx.Kubectl.OkAsync("set", "image", "deployment/web", $"main={image}", "-n", ns);
            await _w.RolloutStatusAsync(ns);
        }

        Assert.Equal("deployment.apps/web rolled back\n", await fx.Kubectl.OkAsync("rollout", "undo", "deployment/web", "-n", ns));
        await _w.RolloutStatusAsync(ns);
        Assert.Equal("busybox:1.37", await ImageAsync(ns));
        // Revision 2 came back as revision 4; its earlier number is kept in revision-history.
        Assert.Equal([1, 3, 4], (await _w.HistoryAsync(ns)).Select(h => h.Revision));
        var restored = (await _w.ReplicaSetsAsync(ns))[^1];
        Assert.Equal((4, 2, "busybox:1.37"), (restored.Revision, restored.Replicas, restored.Image));
        Assert.Equal("2", await _w.GetAsync(ns, $"rs/{restored.Name}", "{.metadata.annotations.deployment\\.kubernetes\\.io/revision-history}"));

        Assert.Equal("deployment.apps/web rolled back\n", await fx.Kubectl.OkAsync("rollout", "undo", "deployment/web", "--to-revision=1", "-n", ns));
        await _w.RolloutStatusAsync(ns);
        Assert.Equal("busybox:1.36", await ImageAsync(ns));
        Assert.Equal([3, 4, 5], (await _w.HistoryAsync(ns)).Select(h => h.Revision));
        Assert.Equal("5", await _w.GetAsync(ns, "deployment/web", "{.metadata.annotations.deployment\\.kubernetes\\.io/revision}"));

        Assert.Equal("deployment.apps/web skipped rollback (current template already matches revision 5)\n",
            await fx.Kubectl.OkAsync("rollout", "undo", "deployment/web", "--to-revision=5", "-n", ns));
        var missing = await fx.Kubectl.FailAsync("rollout", "undo", "deployment/web", "--to-revision=2", "-n", ns);
        Assert.Contains("unable to find specified revision 2 in history", missing);
    }

    [Fact]
    public async Task A_paused_deployment_holds_template_changes_until_it_is_resumed()
    {
        var ns = await RolledOutAsync("pause");

        Assert.Equal("deployment.apps/web paused\n", await fx.Kubectl.OkAsync("rollout", "pause", "deployment/web", "-n", ns));
        await fx.Kubectl.OkAsync("set", "image", "deployment/web", "main=busybox:1.37", "-n", ns);
        var generation = await _w.GetAsync(ns, "deployment/web", "{.metadata.generation}");
        await _w.WaitForAsync(ns, "deployment/web", "{.status.observedGeneration}", g => g == generation, "the paused change observed");
        Assert.Equal("Unknown DeploymentPaused", await _w.GetAsync(ns, "deployment/web",
            "{.status.conditions[?(@.type==\"Progressing\")].status} {.status.conditions[?(@.type==\"Progressing\")].reason}"));
        Assert.Single(await _w.ReplicaSetsAsync(ns));

        Assert.Equal("deployment.apps/web resumed\n", await fx.Kubectl.OkAsync("rollout", "resume", "deployment/web", "-n", ns));
        await _w.RolloutStatusAsync(ns);
        Assert.Equal([(1, 0), (2, 2)], (await _w.ReplicaSetsAsync(ns)).Select(r => (r.Revision, r.Replicas)));
    }

    [Fact]
    public async Task Restart_replaces_every_pod_through_a_new_revision()
    {
        var ns = await RolledOutAsync("restart");
        var before = await _w.LivePodsAsync(ns);

        Assert.Equal("deployment.apps/web restarted\n", await fx.Kubectl.OkAsync("rollout", "restart", "deployment/web", "-n", ns));
        await _w.RolloutStatusAsync(ns);

        var after = await Eventually.UntilAsync(() => _w.LivePodsAsync(ns), p => p.Count == 2 && !p.Intersect(before).Any(), "only new pods", Workloads.Slow);
        Assert.Empty(after.Intersect(before));
        Assert.NotEmpty(await _w.GetAsync(ns, "deployment/web", "{.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}"));
        Assert.Equal([1, 2], (await _w.HistoryAsync(ns)).Select(h => h.Revision));
    }

    [Fact]
    public async Task Scale_resizes_the_current_replica_set_through_the_scale_subresource()
    {
        var ns = await RolledOutAsync("scale");
        var rs = Assert.Single(await _w.ReplicaSetsAsync(ns)).Name;

        Assert.Equal("deployment.apps/web scaled\n", await fx.Kubectl.OkAsync("scale", "deployment", "web", "--replicas=4", "-n", ns));
        await _w.RolloutStatusAsync(ns);
        Assert.Equal(["web", "4/4", "4", "4"], TableText.Row(await fx.Kubectl.OkAsync("get", "deployment", "web", "-n", ns), "web")[..4]);

        Assert.Equal("deployment.apps/web scaled\n", await fx.Kubectl.OkAsync("scale", "deployment/web", "--replicas=1", "-n", ns));
        await Eventually.UntilAsync(() => _w.LivePodsAsync(ns), p => p.Count == 1, "one pod left", Workloads.Slow);

        Assert.Equal([$"Normal Scaled up replica set {rs} from 0 to 2", $"Normal Scaled up replica set {rs} from 2 to 4", $"Normal Scaled down replica set {rs} from 4 to 1"],
            await _w.EventsAsync(ns, "ScalingReplicaSet"));
        Assert.Equal([1], (await _w.HistoryAsync(ns)).Select(h => h.Revision));
    }

    [Fact]
    public async Task Recreate_scales_every_old_pod_away_before_the_new_replica_set_starts()
    {
        var ns = await fx.NewNamespaceAsync("recreate");
        await _w.ApplyAsync(Workloads.Deployment(ns, strategy: "Recreate"));
        await _w.RolloutStatusAsync(ns);
        var old = Assert.Single(await _w.ReplicaSetsAsync(ns)).Name;

        await fx.Kubectl.OkAsync("set", "image", "deployment/web", "main=busybox:1.37", "-n", ns);
        await _w.RolloutStatusAsync(ns);

        var current = (await _w.ReplicaSetsAsync(ns))[^1].Name;
        Assert.Equal([$"Normal Scaled up replica set {old} from 0 to 2", $"Normal Scaled down replica set {old} from 2 to 0", $"Normal Scaled up replica set {current} from 0 to 2"],
            await _w.EventsAsync(ns, "ScalingReplicaSet"));
        Assert.All(await _w.LivePodsAsync(ns), p => Assert.StartsWith(current, p, StringComparison.Ordinal));
    }
}
