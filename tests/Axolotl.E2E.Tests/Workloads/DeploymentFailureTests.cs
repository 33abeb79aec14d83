using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Workloads;

/// <summary>
/// A rollout to an image that cannot be pulled: it gets stuck behind the old pods, reports
/// ProgressDeadlineExceeded (short deadlines here), and is healed by `kubectl rollout undo` or, with
/// Axolotl's opt-in annotation, rolls itself back.
/// </summary>
[Collection(SharedServerECollection.Name)]
public sealed class DeploymentFailureTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private const string BadImage = "nginx:9.9.9";
    private readonly Workloads _w = new(fx);

    private Task<string> ProgressingAsync(string ns) => _w.GetAsync(ns, "deployment/web",
        "{.status.conditions[?(@.type==\"Progressing\")].status} {.status.conditions[?(@.type==\"Progressing\")].reason}");

    [Fact]
    public async Task A_rollout_to_a_bad_image_gets_stuck_exceeds_its_deadline_and_undo_heals_it()
    {
        var ns = await fx.NewNamespaceAsync("stuck");
        await _w.ApplyAsync(Workloads.Deployment(ns, progressDeadlineSeconds: 10));
        await _w.RolloutStatusAsync(ns);

        await fx.Kubectl.OkAsync("set", "image", "deployment/web", $"main={BadImage}", "-n", ns);
        var status = await fx.Kubectl.RunAsync(["rollout", "status", "deployment/web", "-n", ns, "--timeout=90s"], stdin: null, timeout: TimeSpan.FromSeconds(100));

        Assert.True(status.ExitCode != 0, status.ToString());
        Assert.Contains("error: deployment \"web\" exceeded its progress deadline", status.Stderr);
        Assert.Equal("False ProgressDeadlineExceeded", await ProgressingAsync(ns));
        var stuck = (await _w.ReplicaSetsAsync(ns))[^1];
        Assert.Equal($"ReplicaSet \"{stuck.Name}\" has timed out progressing.", await _w.GetAsync(ns, "deployment/web",
            "{.status.conditions[?(@.type==\"Progressing\")].message}"));
        // The old pods keep serving: 25% of 2 lets one surge pod in and no old pod go.
        Assert.Equal(["web", "2/2", "1", "2"], TableText.Row(await fx.Kubectl.OkAsync("get", "deployment", "web", "-n", ns), "web")[..4]);
        var hash = Workloads.ReplicaSetName().Match(stuck.Name).Groups["hash"].Value;
        var waiting = await fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-l", $"pod-template-hash={hash}", "-o",
            "jsonpath={.items[*].status.containerStatuses[0].state.waiting.reason}");
        Assert.Matches("^(ErrImagePull|ImagePullBackOff)$", waiting);

        Assert.Equal("deployment.apps/web rolled back\n", await fx.Kubectl.OkAsync("rollout", "undo", "deployment/web", "-n", ns));
        await _w.RolloutStatusAsync(ns);
        Assert.Equal("busybox:1.36", await _w.GetAsync(ns, "deployment/web", "{.spec.template.spec.containers[0].image}"));
        Assert.Equal("True NewReplicaSetAvailable", await ProgressingAsync(ns));
        Assert.Equal(0, (await _w.ReplicaSetsAsync(ns)).Single(r => r.Image == BadImage).Replicas);
    }

    [Fact]
    public async Task With_the_auto_rollback_annotation_a_stuck_rollout_rolls_back_to_the_last_available_revision()
    {
        var ns = await fx.NewNamespaceAsync("autorollback");
        await _w.ApplyAsync(Workloads.Deployment(ns, progressDeadlineSeconds: 10, annotations: "{axolotl.io/auto-rollback: \"true\"}"));
        await _w.RolloutStatusAsync(ns);
        var good = Assert.Single(await _w.ReplicaSetsAsync(ns)).Name;
        await _w.WaitForAsync(ns, $"rs/{good}", "{.metadata.labels.axolotl\\.io/fully-available}", v => v == "true", "the first revision marked fully available");

        await fx.Kubectl.OkAsync("set", "image", "deployment/web", $"main={BadImage}", "-n", ns);

        await _w.WaitForAsync(ns, "deployment/web", "{.spec.template.spec.containers[0].image}", i => i == "busybox:1.36", "the automatic rollback");
        await _w.RolloutStatusAsync(ns);
        var warning = Assert.Single(await _w.EventsAsync(ns, "AutoRollback"));
        Assert.StartsWith("Warning Rolled back deployment \"web\" from revision 2 to revision 1: ", warning, StringComparison.Ordinal);
        Assert.Equal([(2, 0, BadImage), (3, 2, "busybox:1.36")], (await _w.ReplicaSetsAsync(ns)).Select(r => (r.Revision, r.Replicas, r.Image)));
        Assert.Equal(good, (await _w.ReplicaSetsAsync(ns))[^1].Name);
        Assert.Equal("true", await _w.GetAsync(ns, "deployment/web", "{.metadata.annotations.axolotl\\.io/auto-rollback}"));
        Assert.Equal("True NewReplicaSetAvailable", await ProgressingAsync(ns));
    }
}
