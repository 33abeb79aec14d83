using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Workloads;

/// <summary>
/// The `all` category and pruning across every workload kind, as kubectl uses them: `get all`,
/// `delete all -l`, and `apply --prune -l`, whose default allow-list names Jobs, CronJobs,
/// StatefulSets and PersistentVolumeClaims too.
/// </summary>
[Collection(SharedServerHCollection.Name)]
public sealed class AllCategoryTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static string Workloads(string ns, bool withCronJob) => $$$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: {{{ns}}}, labels: {suite: all-category}}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 1
              containers: [{name: web, image: busybox:1.36, command: [sleep, "3600"]}]
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db, namespace: {{{ns}}}, labels: {suite: all-category}}
        spec:
          serviceName: db
          replicas: 1
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec:
              terminationGracePeriodSeconds: 1
              containers: [{name: db, image: busybox:1.36, command: [sleep, "3600"]}]
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {name: once, namespace: {{{ns}}}, labels: {suite: all-category}}
        spec:
          template:
            spec:
              restartPolicy: Never
              containers: [{name: once, image: busybox:1.36, command: [sleep, "3600"]}]
        {{{(withCronJob ? $$$"""
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: nightly, namespace: {{{ns}}}, labels: {suite: all-category}}
        spec:
          schedule: "0 3 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers: [{name: nightly, image: busybox:1.36, command: [date]}]
        """ : "")}}}
        """;

    [Fact]
    public async Task Get_all_lists_and_delete_all_removes_every_workload_kind_by_label()
    {
        var ns = await fx.NewNamespaceAsync("all-category");
        await fx.Kubectl.OkAsync("apply", "-f", fx.WriteFile("all-workloads.yaml", Workloads(ns, withCronJob: true)));

        var names = await fx.Kubectl.OkAsync("get", "all", "-n", ns, "-l", "suite=all-category", "-o", "name");
        Assert.Equal(
            ["cronjob.batch/nightly", "deployment.apps/web", "job.batch/once", "statefulset.apps/db"],
            TableText.Lines(names).Order(StringComparer.Ordinal));

        var deleted = await fx.Kubectl.OkAsync("delete", "all", "-n", ns, "-l", "suite=all-category");
        Assert.Contains("deployment.apps \"web\" deleted", deleted);
        Assert.Contains("statefulset.apps \"db\" deleted", deleted);
        Assert.Contains("job.batch \"once\" deleted", deleted);
        Assert.Contains("cronjob.batch \"nightly\" deleted", deleted);
        await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0 && r.Stdout.Length == 0, "every workload and its pods gone",
            "get", "all", "-n", ns, "-o", "name");
    }

    [Fact]
    public async Task Apply_with_prune_deletes_the_labelled_objects_left_out_of_the_manifests()
    {
        var ns = await fx.NewNamespaceAsync("all-prune");
        await fx.Kubectl.OkAsync("apply", "-f", fx.WriteFile("prune-before.yaml", Workloads(ns, withCronJob: true)));

        var pruned = await fx.Kubectl.OkAsync("apply", "--prune", "-l", "suite=all-category", "-f", fx.WriteFile("prune-after.yaml", Workloads(ns, withCronJob: false)));

        Assert.Contains("cronjob.batch/nightly pruned", pruned);
        Assert.DoesNotContain("deployment.apps/web pruned", pruned);
        Assert.Equal("", await fx.Kubectl.OkAsync("get", "cronjobs", "-n", ns, "-o", "name"));
        Assert.Equal("deployment.apps/web\n", await fx.Kubectl.OkAsync("get", "deployments", "-n", ns, "-o", "name"));
    }
}
