using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;
using Axolotl.E2E.Tests.Services;

namespace Axolotl.E2E.Tests.Workloads;

/// <summary>
/// A StatefulSet of three with a local-path volume per pod behind a headless Service: a deleted pod
/// comes back under its name on its claim with its data and its DNS name, the Service's name resolves
/// to every ready pod, scaling down and up keeps the claims, and the retention policy decides what a
/// deleted StatefulSet leaves behind.
/// </summary>
[Collection(SharedServerFCollection.Name)]
public sealed class StatefulSetStorageTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private readonly Workloads _w = new(fx);

    private static string Manifest(string ns, string whenDeleted = "Retain") => StatefulSetTests.Manifest(ns) + $$"""

                volumeMounts:
                - {name: data, mountPath: /data}
          persistentVolumeClaimRetentionPolicy: {whenDeleted: {{whenDeleted}}, whenScaled: Retain}
          volumeClaimTemplates:
          - metadata: {name: data}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 8Mi} }
        """;

    private Task<string> ExecAsync(string ns, string pod, params string[] command) =>
        fx.Kubectl.OkAsync(["exec", pod, "-n", ns, "--", .. command]);

    private async Task<List<string>> ClaimsAsync(string ns) =>
        TableText.Lines(await fx.Kubectl.OkAsync("get", "pvc", "-n", ns, "-o", "jsonpath={range .items[*]}{.metadata.name} {.status.phase}{\"\\n\"}{end}"))
            .Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task A_deleted_pod_comes_back_on_its_claim_with_its_data_and_its_dns_name()
    {
        var ns = await fx.NewNamespaceAsync("sts-data");
        await _w.ApplyAsync(Manifest(ns));
        await _w.RolloutStatusAsync(ns, "sts/web");
        Assert.Equal(["data-web-0 Bound", "data-web-1 Bound", "data-web-2 Bound"], await ClaimsAsync(ns));
        Assert.Equal("data-web-1", await _w.GetAsync(ns, "pod/web-1", "{.spec.volumes[?(@.name==\"data\")].persistentVolumeClaim.claimName}"));
        foreach (var i in new[] { 0, 1, 2 })
        {
            await ExecAsync(ns, $"web-{i}", "sh", "-c", $"echo written-by-web-{i} > /data/token");
        }
        var events = await _w.EventsAsync(ns, "SuccessfulCreate");
        Assert.Contains("Normal create Claim data-web-1 Pod web-1 in StatefulSet web success", events);

        await fx.Kubectl.OkAsync("run", "client", "-n", ns, "--image=python:3.11-slim", "--restart=Never", "--command", "--", "sleep", "600");
        await StatefulSetTests.RunningAsync(fx, ns, "client");

        var oldUid = await _w.GetAsync(ns, "pod/web-1", "{.metadata.uid}");
        await fx.Kubectl.OkAsync("delete", "pod", "web-1", "-n", ns);
        await Eventually.UntilAsync(
            async () => (await fx.Kubectl.RunAsync("get", "pod", "web-1", "-n", ns, "-o", "jsonpath={.metadata.uid} {.status.phase}")).Stdout,
            s => !s.StartsWith(oldUid, StringComparison.Ordinal) && s.EndsWith(" Running", StringComparison.Ordinal), "web-1 recreated and running", Workloads.Slow);
        Assert.Equal("written-by-web-1\n", await ExecAsync(ns, "web-1", "cat", "/data/token"));
        Assert.Equal(["data-web-0 Bound", "data-web-1 Bound", "data-web-2 Bound"], await ClaimsAsync(ns));

        var ip = await _w.GetAsync(ns, "pod/web-1", "{.status.podIP}");
        var resolved = await Eventually.UntilAsync(
            async () => (await fx.Kubectl.RunAsync("exec", "client", "-n", ns, "--", "getent", "hosts", $"web-1.web.{ns}.svc.cluster.local")).Stdout,
            o => o.StartsWith(ip + " ", StringComparison.Ordinal), "web-1.web resolving to the new pod's address", Workloads.Slow);
        Assert.Contains($"web-1.web.{ns}.svc.cluster.local", resolved, StringComparison.Ordinal);
        await _w.RolloutStatusAsync(ns, "sts/web");
        var ips = (await Task.WhenAll(new[] { 0, 1, 2 }.Select(i => _w.GetAsync(ns, $"pod/web-{i}", "{.status.podIP}")))).ToHashSet();
        await Eventually.UntilAsync(
            async () => TableText.Lines((await fx.Kubectl.RunAsync("exec", "client", "-n", ns, "--", "getent", "ahostsv4", $"web.{ns}.svc.cluster.local")).Stdout)
                .Select(l => TableText.Cells(l)[0]).ToHashSet(),
            found => found.SetEquals(ips), "the headless Service resolving to every ready pod", Workloads.Slow);
        Assert.Equal("web-0", (await ExecAsync(ns, "web-0", "hostname")).Trim());
        // As the kubelet writes it for a pod with a subdomain.
        Assert.Contains($"\tweb-0.web.{ns}.svc.cluster.local\tweb-0\n", await ExecAsync(ns, "web-0", "cat", "/etc/hosts"), StringComparison.Ordinal);

        await fx.Kubectl.OkAsync("scale", "sts", "web", "--replicas=1", "-n", ns);
        await Eventually.UntilAsync(() => _w.LivePodsAsync(ns), p => p.SequenceEqual(["web-0"]), "scaled down to web-0", Workloads.Slow);
        Assert.Equal(["data-web-0 Bound", "data-web-1 Bound", "data-web-2 Bound"], await ClaimsAsync(ns));
        await fx.Kubectl.OkAsync("scale", "sts", "web", "--replicas=3", "-n", ns);
        await _w.RolloutStatusAsync(ns, "sts/web");
        Assert.Equal("written-by-web-2\n", await ExecAsync(ns, "web-2", "cat", "/data/token"));

        await fx.Kubectl.OkAsync("delete", "sts", "web", "-n", ns);
        await Eventually.UntilAsync(() => _w.LivePodsAsync(ns), p => p.Count == 0, "the pods deleted with the StatefulSet", Workloads.Slow);
        Assert.Equal(["data-web-0 Bound", "data-web-1 Bound", "data-web-2 Bound"], await ClaimsAsync(ns));
    }

    [Fact]
    public async Task WhenDeleted_Delete_removes_the_claims_with_the_StatefulSet()
    {
        var ns = await fx.NewNamespaceAsync("sts-retention");
        await _w.ApplyAsync(Manifest(ns, whenDeleted: "Delete").Replace("replicas: 3", "replicas: 2", StringComparison.Ordinal));
        await _w.RolloutStatusAsync(ns, "sts/web");
        Assert.Equal("StatefulSet web", await _w.GetAsync(ns, "pvc/data-web-0", "{.metadata.ownerReferences[0].kind} {.metadata.ownerReferences[0].name}"));

        await fx.Kubectl.OkAsync("delete", "sts", "web", "-n", ns);
        await Eventually.UntilAsync(() => ClaimsAsync(ns), c => c.Count == 0, "the claims deleted after their StatefulSet", Workloads.Slow);
    }
}
