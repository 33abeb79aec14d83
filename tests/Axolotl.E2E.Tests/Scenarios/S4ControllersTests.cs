using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Scenarios;

/// <summary>
/// Scenario S4 (seed 003) step 5 of the example's README, with the note's manifests: a
/// ReplicationController (equality selector) and a ReplicaSet (matchLabels plus matchExpressions)
/// each keep three pods; a pod relabelled out of the set-based selector is let go and replaced.
/// </summary>
public sealed class S4ControllersTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_ReplicationController_and_a_ReplicaSet_each_keep_three_pods()
    {
        var ns = await fx.NewNamespaceAsync("s4-controllers");
        Assert.Equal("replicationcontroller/my-app-rc created\n", await fx.Kubectl.OkAsync("apply", "-n", ns, "-f", S4Files.Path("replication-controller.yaml")));
        var rc = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "rc", "my-app-rc", "-n", ns),
            t => TableText.Row(t, "my-app-rc")[3] == "3", "three ready pods", S4Files.Slow);
        Assert.Equal(["NAME", "DESIRED", "CURRENT", "READY", "AGE"], TableText.Header(rc));
        Assert.Equal(["my-app-rc", "3", "3", "3"], TableText.Row(rc, "my-app-rc")[..4]);

        var pods = await PodNamesAsync(ns, "app=my-app");
        Assert.Equal(3, pods.Length);
        Assert.Equal($"pod \"{pods[0]}\" deleted\n", await fx.Kubectl.OkAsync("delete", "pod", pods[0], "-n", ns));
        var after = await Eventually.UntilAsync(() => PodNamesAsync(ns, "app=my-app"), p => p.Length == 3 && !p.Contains(pods[0]), "a replacement pod", S4Files.Slow);
        Assert.Equal(2, after.Intersect(pods).Count());
        var describe = await fx.Kubectl.OkAsync("describe", "rc", "my-app-rc", "-n", ns);
        Assert.Matches(@"Selector:\s+app=my-app\n", describe);
        Assert.Matches(@"Replicas:\s+3 current / 3 desired\n", describe);
        Assert.Matches(@"Normal\s+SuccessfulCreate\s+.*replication-controller\s+Created pod: " + after.Except(pods).Single(), describe);

        Assert.Equal("replicationcontroller \"my-app-rc\" deleted\n", await fx.Kubectl.OkAsync("delete", "rc", "my-app-rc", "-n", ns));
        await Eventually.UntilAsync(() => PodNamesAsync(ns, "app=my-app"), p => p.Length == 0, "the RC's pods to be gone", S4Files.Slow);

        Assert.Equal("replicaset.apps/my-app-rs created\n", await fx.Kubectl.OkAsync("apply", "-n", ns, "-f", S4Files.Path("replica-set.yaml")));
        var rs = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "rs", "my-app-rs", "-n", ns, "-o", "wide"),
            t => TableText.Row(t, "my-app-rs")[3] == "3", "three ready pods", S4Files.Slow);
        Assert.Equal(["my-app-rs", "3", "3", "3"], TableText.Row(rs, "my-app-rs")[..4]);
        Assert.Equal("app=my-app,env in (production,staging)", TableText.Row(rs, "my-app-rs")[^1]);
        var members = await PodNamesAsync(ns, "app=my-app,env in (production,staging)");
        Assert.Equal(3, members.Length);

        // Out of the selector: the ReplicaSet releases the pod and makes a new one.
        Assert.Equal($"pod/{members[0]} labeled\n", await fx.Kubectl.OkAsync("label", "pod", members[0], "env=dev", "--overwrite", "-n", ns));
        await Eventually.UntilAsync(() => PodNamesAsync(ns, "app=my-app,env in (production,staging)"),
            p => p.Length == 3 && !p.Contains(members[0]), "a replacement for the relabelled pod", S4Files.Slow);
        Assert.Equal("", await fx.Kubectl.OkAsync("get", "pod", members[0], "-n", ns, "-o", "jsonpath={.metadata.ownerReferences}"));
        var table = await fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-L", "env");
        Assert.Equal("dev", TableText.Row(table, members[0])[^1]);
        Assert.Equal(4, TableText.Keys(table).Length);
    }

    private async Task<string[]> PodNamesAsync(string ns, string selector)
    {
        var names = await fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-l", selector, "-o",
            "jsonpath={range .items[*]}{.metadata.deletionTimestamp}/{.metadata.name}{\"\\n\"}{end}");
        // Pods being deleted print their deletion time before the slash.
        return TableText.Lines(names).Where(l => l.StartsWith('/')).Select(l => l[1..]).ToArray();
    }
}
