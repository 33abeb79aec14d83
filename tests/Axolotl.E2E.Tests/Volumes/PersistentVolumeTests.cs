using System.Text.RegularExpressions;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Volumes;

/// <summary>
/// PersistentVolumes, claims and StorageClasses through the real kubectl: the default local-path class
/// provisions a directory on the node of the first pod (WaitForFirstConsumer) and the data outlives the
/// pod; a claim deleted while in use stays Terminating until its pod is gone, then goes with its volume
/// and directory (Delete); a static volume binds to the smallest matching claim and is Released, data
/// kept, when the claim goes (Retain); seed 001's clean-up line; expansion refused; bad input with
/// upstream's messages.
/// </summary>
[Collection(SharedServerECollection.Name)]
public sealed class PersistentVolumeTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(90);

    private string StorageRoot => Path.Combine(Path.GetFullPath(fx.Server.DataDir), "agent", "storage");

    [Fact]
    public async Task The_default_class_provisions_on_the_node_of_first_use_and_the_data_outlives_the_pod()
    {
        var ns = await fx.NewNamespaceAsync("pvc");
        Assert.Matches(@"(?m)^local-path \(default\)\s+rancher\.io/local-path\s+Delete\s+WaitForFirstConsumer\s+false\s+\S+$",
            await fx.Kubectl.OkAsync("get", "sc"));
        await fx.Kubectl.OkWithInputAsync(Claim(ns, "data", "64Mi"), "apply", "-f", "-");
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("describe", "pvc", "data", "-n", ns),
            r => r.Stdout.Contains("waiting for first consumer to be created before binding"), "WaitForFirstConsumer on the claim", Slow);
        Assert.Matches(@"(?m)^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE\ndata\s+Pending\s+local-path\s+<unset>\s",
            await fx.Kubectl.OkAsync("get", "pvc", "-n", ns));

        await fx.Kubectl.OkWithInputAsync(Pod(ns, "writer", "data", "echo kept > /data/file; sleep 3600"), "apply", "-f", "-");
        await RunningAsync(ns, "writer");
        var volume = await fx.Kubectl.OkAsync("get", "pvc", "data", "-n", ns, "-o", "jsonpath={.spec.volumeName}");
        Assert.Matches("^pvc-[0-9a-f-]{36}$", volume);
        Assert.Equal("yes", await fx.Kubectl.OkAsync("get", "pvc", "data", "-n", ns, "-o", "jsonpath={.metadata.annotations.pv\\.kubernetes\\.io/bind-completed}"));
        Assert.Equal(fx.Server.NodeName, await fx.Kubectl.OkAsync("get", "pvc", "data", "-n", ns, "-o", "jsonpath={.metadata.annotations.volume\\.kubernetes\\.io/selected-node}"));
        Assert.Equal(fx.Server.NodeName, await fx.Kubectl.OkAsync("get", "pv", volume, "-o", "jsonpath={.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]}"));
        var path = await fx.Kubectl.OkAsync("get", "pv", volume, "-o", "jsonpath={.spec.hostPath.path}");
        Assert.Equal(Path.Combine(StorageRoot, $"{volume}_{ns}_data"), path);
        Assert.Equal("kept\n", await File.ReadAllTextAsync(Path.Combine(path, "file")));
        Assert.Matches($@"(?m)^{volume}\s+64Mi\s+RWO\s+Delete\s+Bound\s+{ns}/data\s+local-path\s+<unset>\s+\S+$", await fx.Kubectl.OkAsync("get", "pv", volume));
        var describe = await fx.Kubectl.OkAsync("describe", "pvc", "data", "-n", ns);
        Assert.Matches(@"Normal\s+ExternalProvisioning\s+.*persistentvolume-controller\s+Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path'", describe);
        Assert.Matches($@"Normal\s+ProvisioningSucceeded\s+.*Successfully provisioned volume {volume}", describe);
        Assert.Matches(@"Used By:\s+writer", describe);

        // A new pod on the claim sees the first pod's data.
        await fx.Kubectl.OkAsync("delete", "pod", "writer", "-n", ns, "--grace-period=1");
        await fx.Kubectl.OkWithInputAsync(Pod(ns, "reader", "data", "sleep 3600"), "apply", "-f", "-");
        await RunningAsync(ns, "reader");
        Assert.Equal("kept\n", await fx.Kubectl.OkAsync("exec", "reader", "-n", ns, "--", "cat", "/data/file"));
        Assert.Equal(fx.Server.NodeName, await fx.Kubectl.OkAsync("get", "pod", "reader", "-n", ns, "-o", "jsonpath={.spec.nodeName}"));
    }

    [Fact]
    public async Task A_claim_deleted_while_in_use_stays_Terminating_until_its_pod_is_gone_then_its_volume_and_directory_go()
    {
        var ns = await fx.NewNamespaceAsync("pvc-protect");
        await fx.Kubectl.OkWithInputAsync(Claim(ns, "busy", "16Mi") + "---\n" + Pod(ns, "user", "busy", "echo x > /data/x; sleep 3600"), "apply", "-f", "-");
        await RunningAsync(ns, "user");
        var volume = await fx.Kubectl.OkAsync("get", "pvc", "busy", "-n", ns, "-o", "jsonpath={.spec.volumeName}");
        var path = await fx.Kubectl.OkAsync("get", "pv", volume, "-o", "jsonpath={.spec.hostPath.path}");
        Assert.Equal("kubernetes.io/pvc-protection", await fx.Kubectl.OkAsync("get", "pvc", "busy", "-n", ns, "-o", "jsonpath={.metadata.finalizers[*]}"));

        Assert.Equal("persistentvolumeclaim \"busy\" deleted\n", await fx.Kubectl.OkAsync("delete", "pvc", "busy", "-n", ns, "--wait=false"));
        // Still there while the pod uses it, and so is its data.
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pvc", "busy", "-n", ns), r => Regex.IsMatch(r.Stdout, @"busy\s+Terminating\s"), "the claim Terminating", Slow);
        Assert.Equal("x\n", await fx.Kubectl.OkAsync("exec", "user", "-n", ns, "--", "cat", "/data/x"));
        Assert.True(File.Exists(Path.Combine(path, "x")));

        await fx.Kubectl.OkAsync("delete", "pod", "user", "-n", ns, "--grace-period=1");
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pvc,pv", "-A"), r => !r.Stdout.Contains(volume, StringComparison.Ordinal) && !r.Stdout.Contains(" busy ", StringComparison.Ordinal),
            "the claim and its volume gone", Slow);
        await Eventually.UntilAsync(() => Task.FromResult(Directory.Exists(path)), exists => !exists, "the volume's directory removed", Slow);
    }

    [Fact]
    public async Task A_static_volume_binds_the_smallest_match_and_is_Released_with_its_data_when_the_claim_goes()
    {
        var ns = await fx.NewNamespaceAsync("pv-static");
        var big = fx.UniqueName("static-big");
        var small = fx.UniqueName("static-small");
        var dir = Path.Combine(fx.WorkDir, small);
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "seed"), "from the admin\n");
        await fx.Kubectl.OkWithInputAsync($$$"""
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: {{{big}}}}
            spec:
              capacity: {storage: 2Gi}
              accessModes: [ReadWriteOnce]
              storageClassName: manual-{{{ns}}}
              hostPath: {path: {{{fx.WorkDir}}}/{{{big}}}}
            ---
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: {{{small}}}}
            spec:
              capacity: {storage: 1Gi}
              accessModes: [ReadWriteOnce, ReadOnlyMany]
              storageClassName: manual-{{{ns}}}
              hostPath: {path: {{{dir}}}}
            """, "apply", "-f", "-");
        // The PV controller matches a claim against the volumes its informer holds, as upstream's does: a claim
        // created in the same apply as the volumes may be seen before the second volume is, and bind the first.
        foreach (var volume in new[] { big, small })
        {
            await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pv", volume), r => r.Stdout.Contains(" Available ", StringComparison.Ordinal),
                $"volume {volume} Available", Slow);
        }
        await fx.Kubectl.OkWithInputAsync($$$"""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: claim, namespace: {{{ns}}}}
            spec:
              storageClassName: manual-{{{ns}}}
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 500Mi}}
            """, "apply", "-f", "-");
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pvc", "claim", "-n", ns),
            r => Regex.IsMatch(r.Stdout, $@"claim\s+Bound\s+{small}\s+1Gi\s+RWO,ROX\s+manual-{ns}\s"), "the claim bound to the smaller volume", Slow);
        Assert.Matches($@"{small}\s+1Gi\s+RWO,ROX\s+Retain\s+Bound\s+{ns}/claim\s", await fx.Kubectl.OkAsync("get", "pv", small));
        Assert.Matches($@"{big}\s+2Gi\s+RWO\s+Retain\s+Available\s", await fx.Kubectl.OkAsync("get", "pv", big));
        Assert.Equal("yes", await fx.Kubectl.OkAsync("get", "pv", small, "-o", "jsonpath={.metadata.annotations.pv\\.kubernetes\\.io/bound-by-controller}"));
        await fx.Kubectl.OkWithInputAsync(Pod(ns, "ro", "claim", "sleep 3600", readOnly: true), "apply", "-f", "-");
        await RunningAsync(ns, "ro");
        Assert.Equal("from the admin\n", await fx.Kubectl.OkAsync("exec", "ro", "-n", ns, "--", "cat", "/data/seed"));
        var write = await fx.Kubectl.RunAsync("exec", "ro", "-n", ns, "--", "sh", "-c", "echo no > /data/new");
        Assert.Contains("Read-only file system", write.Stderr, StringComparison.Ordinal);

        await fx.Kubectl.OkAsync("delete", "pod", "ro", "-n", ns, "--grace-period=1");
        await fx.Kubectl.OkAsync("delete", "pvc", "claim", "-n", ns);
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pv", small),
            r => Regex.IsMatch(r.Stdout, $@"{small}\s+1Gi\s+RWO,ROX\s+Retain\s+Released\s+{ns}/claim\s"), "the volume Released", Slow);
        Assert.Equal("from the admin\n", await File.ReadAllTextAsync(Path.Combine(dir, "seed")));
        await fx.Kubectl.OkAsync("delete", "pv", big, small);
    }

    [Fact]
    public async Task Seed_001s_clean_up_line_deletes_secrets_configmaps_and_claims_by_label()
    {
        var ns = await fx.NewNamespaceAsync("cleanup");
        await fx.Kubectl.OkAsync("create", "secret", "generic", "s1", "-n", ns, "--from-literal=k=v");
        await fx.Kubectl.OkAsync("create", "configmap", "c1", "-n", ns, "--from-literal=k=v");
        await fx.Kubectl.OkWithInputAsync(Claim(ns, "c-data", "10Mi"), "apply", "-f", "-");
        await fx.Kubectl.OkAsync("label", "secret", "s1", "-n", ns, "kiamol=ch12");
        await fx.Kubectl.OkAsync("label", "configmap", "c1", "-n", ns, "kiamol=ch12");
        await fx.Kubectl.OkAsync("label", "pvc", "c-data", "-n", ns, "kiamol=ch12");
        Assert.Contains("pvc", await fx.Kubectl.OkAsync("api-resources", "--api-group="), StringComparison.Ordinal);

        var output = await fx.Kubectl.OkAsync("delete", "secret,configmap,pvc", "-l", "kiamol=ch12", "-n", ns);

        Assert.Equal("secret \"s1\" deleted\nconfigmap \"c1\" deleted\npersistentvolumeclaim \"c-data\" deleted\n", output);
        Assert.Equal("", await fx.Kubectl.OkAsync("get", "secret,configmap,pvc", "-l", "kiamol=ch12", "-n", ns, "-o", "name"));
    }

    [Fact]
    public async Task Expanding_a_local_path_claim_is_refused_with_upstreams_message()
    {
        var ns = await fx.NewNamespaceAsync("expand");
        await fx.Kubectl.OkWithInputAsync(Claim(ns, "grow", "16Mi") + "---\n" + Pod(ns, "g", "grow", "sleep 3600"), "apply", "-f", "-");
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pvc", "grow", "-n", ns, "-o", "jsonpath={.status.phase}"), r => r.Stdout == "Bound", "the claim bound", Slow);

        var refused = await fx.Kubectl.FailAsync("patch", "pvc", "grow", "-n", ns, "-p", "{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"1Gi\"}}}}");

        Assert.Contains("Error from server (Forbidden): persistentvolumeclaims \"grow\" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize", refused);
        Assert.Equal("16Mi", await fx.Kubectl.OkAsync("get", "pvc", "grow", "-n", ns, "-o", "jsonpath={.spec.resources.requests.storage}"));
    }

    [Fact]
    public async Task Bad_claims_get_upstreams_validation_errors_events_and_scheduling_messages()
    {
        var ns = await fx.NewNamespaceAsync("pvc-bad");
        var mode = await fx.Kubectl.FailAsync("create", "-f", fx.WriteFile("bad-mode.yaml", $$$"""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: bad, namespace: {{{ns}}}}
            spec:
              accessModes: [ReadWriteSometimes]
              resources: {requests: {storage: 1Gi}}
            """));
        Assert.Contains("The PersistentVolumeClaim \"bad\" is invalid: spec.accessModes: Unsupported value: \"ReadWriteSometimes\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\"", mode);
        var storage = await fx.Kubectl.FailAsync("create", "-f", fx.WriteFile("no-storage.yaml", $$$"""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: bad, namespace: {{{ns}}}}
            spec:
              accessModes: [ReadWriteOnce]
            """));
        Assert.Contains("The PersistentVolumeClaim \"bad\" is invalid: spec.resources[storage]: Required value", storage);
        var pv = await fx.Kubectl.FailAsync("create", "-f", fx.WriteFile("bad-pv.yaml", """
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: bad-pv}
            spec:
              capacity: {storage: 1Gi}
            """));
        Assert.Contains("spec.accessModes: Required value", pv);
        Assert.Contains("spec: Required value: must specify a volume type", pv);

        await fx.Kubectl.OkWithInputAsync($$$"""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: fast, namespace: {{{ns}}}}
            spec:
              storageClassName: no-such-class
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Gi}}
            """, "apply", "-f", "-");
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("describe", "pvc", "fast", "-n", ns),
            r => Regex.IsMatch(r.Stdout, @"Warning\s+ProvisioningFailed\s+.*persistentvolume-controller\s+storageclass\.storage\.k8s\.io ""no-such-class"" not found"),
            "ProvisioningFailed for the missing class", Slow);
        Assert.Equal("Pending", await fx.Kubectl.OkAsync("get", "pvc", "fast", "-n", ns, "-o", "jsonpath={.status.phase}"));

        // A pod whose claim does not exist is unschedulable, with kube-scheduler's words.
        await fx.Kubectl.OkWithInputAsync(Pod(ns, "orphan", "missing", "sleep 3600"), "apply", "-f", "-");
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("describe", "pod", "orphan", "-n", ns),
            r => r.Stdout.Contains("0/1 nodes are available: persistentvolumeclaim \"missing\" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.", StringComparison.Ordinal),
            "FailedScheduling for the missing claim", Slow);

        // A claim larger than the node's disk stays Pending with ProvisioningFailed, and its pod waits.
        await fx.Kubectl.OkWithInputAsync(Claim(ns, "huge", "900Ti") + "---\n" + Pod(ns, "greedy", "huge", "sleep 3600"), "apply", "-f", "-");
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("describe", "pvc", "huge", "-n", ns),
            r => Regex.IsMatch(r.Stdout, @"Warning\s+ProvisioningFailed\s+.*rancher\.io/local-path_axolotl\s+failed to provision volume with StorageClass ""local-path"": not enough disk space on node"),
            "ProvisioningFailed for a claim larger than the disk", Slow);
        Assert.Equal("Pending", await fx.Kubectl.OkAsync("get", "pvc", "huge", "-n", ns, "-o", "jsonpath={.status.phase}"));
        Assert.Equal("Pending", await fx.Kubectl.OkAsync("get", "pod", "greedy", "-n", ns, "-o", "jsonpath={.status.phase}"));
    }

    private static string Claim(string ns, string name, string size) => $$$"""
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: {{{name}}}, namespace: {{{ns}}}}
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: {{{size}}}}}

        """;

    private static string Pod(string ns, string name, string claim, string script, bool readOnly = false) => $$$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: {{{name}}}, namespace: {{{ns}}}}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: c
            image: busybox
            command: ["sh", "-c", "{{{script}}}"]
            volumeMounts: [{name: data, mountPath: /data}]
          volumes:
          - name: data
            persistentVolumeClaim: {claimName: {{{claim}}}, readOnly: {{{(readOnly ? "true" : "false")}}}}

        """;

    private async Task RunningAsync(string ns, string pod) =>
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pod", pod, "-n", ns, "-o", "jsonpath={.status.phase}"),
            r => r.Stdout == "Running", $"pod {pod} to run", Slow);
}
