using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.PodFields;

/// <summary>
/// PodSpec fields that were stored and ignored (issue 32 item 5), through the real kubectl on real
/// containers: hostAliases in the pod's /etc/hosts, shareProcessNamespace (one pid namespace whose
/// PID 1 is the sandbox's init), and mountPropagation (HostToContainer sees a later node mount;
/// Bidirectional is refused at admission). The ledger is docs/pod-fields.md.
/// </summary>
public sealed class PodFieldTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task HostAliases_are_appended_to_the_pods_hosts_file_under_the_kubelets_comment()
    {
        var ns = await fx.NewNamespaceAsync("hostaliases");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: aliased, namespace: {{ns}}}
            spec:
              hostAliases:
              - ip: 127.0.0.1
                hostnames: [foo.local, bar.local]
              - ip: 10.1.2.3
                hostnames: [foo.remote, bar.remote]
              containers:
              - name: app
                image: busybox
                command: ["sleep", "3600"]
            """, "apply", "-f", "-");
        await RunningAsync(ns, "aliased");

        var hosts = await fx.Kubectl.OkAsync("exec", "aliased", "-n", ns, "--", "cat", "/etc/hosts");
        Assert.StartsWith("# Kubernetes-managed hosts file.\n", hosts, StringComparison.Ordinal);
        Assert.EndsWith("\n\n# Entries added by HostAliases.\n127.0.0.1\tfoo.local\tbar.local\n10.1.2.3\tfoo.remote\tbar.remote\n", hosts, StringComparison.Ordinal);
        // The resolver reads it: the alias resolves inside the pod (ping names the address before any reply).
        var lookup = await fx.Kubectl.RunAsync("exec", "aliased", "-n", ns, "--", "ping", "-c", "1", "-W", "1", "bar.local");
        Assert.Contains("PING bar.local (127.0.0.1)", lookup.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShareProcessNamespace_lets_one_container_see_the_others_processes_under_the_sandboxs_init()
    {
        var ns = await fx.NewNamespaceAsync("sharepid");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: shared, namespace: {{ns}}}
            spec:
              shareProcessNamespace: true
              containers:
              - name: first
                image: busybox
                command: ["sleep", "3601"]
              - name: second
                image: busybox
                command: ["sleep", "3602"]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: apart, namespace: {{ns}}}
            spec:
              containers:
              - name: first
                image: busybox
                command: ["sleep", "3601"]
              - name: second
                image: busybox
                command: ["sleep", "3602"]
            """, "apply", "-f", "-");
        await RunningAsync(ns, "shared");
        await RunningAsync(ns, "apart");

        var shared = await fx.Kubectl.OkAsync("exec", "shared", "-c", "second", "-n", ns, "--", "ps", "-o", "pid,args");
        Assert.Contains("sleep 3601", shared, StringComparison.Ordinal);
        Assert.Contains("sleep 3602", shared, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^\s*1\s+pod-init\b", shared);

        var apart = await fx.Kubectl.OkAsync("exec", "apart", "-c", "second", "-n", ns, "--", "ps", "-o", "pid,args");
        Assert.DoesNotContain("sleep 3601", apart, StringComparison.Ordinal);
        Assert.Contains("sleep 3602", apart, StringComparison.Ordinal);

        // A restarted container joins the same namespace again.
        // PID 1 is the sandbox's: the container's own command is found by its arguments.
        await fx.Kubectl.OkAsync("exec", "shared", "-c", "first", "-n", ns, "--", "sh", "-c", "kill $(ps -o pid,args | awk '/^ *[0-9]+ sleep 360[1]/ {print $1}')");
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pod", "shared", "-n", ns, "-o", "jsonpath={.status.containerStatuses[?(@.name==\"first\")].restartCount}"),
            r => r.Stdout is not ("" or "0"), "container first to restart", StartTimeout);
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("exec", "shared", "-c", "second", "-n", ns, "--", "ps", "-o", "args"),
            r => r.ExitCode == 0 && r.Stdout.Contains("sleep 3601", StringComparison.Ordinal), "the restarted container in the shared namespace", StartTimeout);
    }

    [Fact]
    public async Task A_HostToContainer_mount_sees_a_later_node_mount_and_a_None_mount_does_not()
    {
        var ns = await fx.NewNamespaceAsync("propagation");
        var hostDir = Path.Combine(fx.WorkDir, fx.UniqueName("shared-host"));
        var later = Path.Combine(hostDir, "later");
        Directory.CreateDirectory(later);
        await HostAsync("mount", "--bind", hostDir, hostDir);
        try
        {
            await HostAsync("mount", "--make-shared", hostDir);
            await fx.Kubectl.OkWithInputAsync($$"""
                apiVersion: v1
                kind: Pod
                metadata: {name: watcher, namespace: {{ns}}}
                spec:
                  containers:
                  - name: slave
                    image: busybox
                    command: ["sleep", "3600"]
                    volumeMounts: [{name: node, mountPath: /host, mountPropagation: HostToContainer}]
                  - name: private
                    image: busybox
                    command: ["sleep", "3600"]
                    volumeMounts: [{name: node, mountPath: /host}]
                  volumes:
                  - name: node
                    hostPath: {path: {{hostDir}}, type: Directory}
                """, "apply", "-f", "-");
            await RunningAsync(ns, "watcher");

            await HostAsync("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", later);
            await File.WriteAllTextAsync(Path.Combine(later, "note"), "mounted later\n");

            Assert.Equal("mounted later\n", await fx.Kubectl.OkAsync("exec", "watcher", "-c", "slave", "-n", ns, "--", "cat", "/host/later/note"));
            var none = await fx.Kubectl.RunAsync("exec", "watcher", "-c", "private", "-n", ns, "--", "cat", "/host/later/note");
            Assert.NotEqual(0, none.ExitCode);
        }
        finally
        {
            await fx.Kubectl.RunAsync("delete", "pod", "watcher", "-n", ns, "--wait=false");
            await ProcessRunner.RunAsync("umount", ["-l", later]);
            await ProcessRunner.RunAsync("umount", ["-l", hostDir]);
        }
    }

    [Fact]
    public async Task HostToContainer_on_a_private_node_mount_fails_the_start_with_the_reason()
    {
        var ns = await fx.NewNamespaceAsync("propagation");
        var hostDir = Path.Combine(fx.WorkDir, fx.UniqueName("private-host"));
        Directory.CreateDirectory(hostDir);
        await HostAsync("mount", "--bind", hostDir, hostDir);
        try
        {
            await HostAsync("mount", "--make-private", hostDir);
            await fx.Kubectl.OkWithInputAsync($$"""
                apiVersion: v1
                kind: Pod
                metadata: {name: stranded, namespace: {{ns}}}
                spec:
                  restartPolicy: Never
                  containers:
                  - name: app
                    image: busybox
                    command: ["sleep", "3600"]
                    volumeMounts: [{name: node, mountPath: /host, mountPropagation: HostToContainer}]
                  volumes:
                  - name: node
                    hostPath: {path: {{hostDir}}, type: Directory}
                """, "apply", "-f", "-");

            var status = await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pod", "stranded", "-n", ns, "-o", "jsonpath={.status.containerStatuses[0]}"),
                r => r.Stdout.Contains("mountPropagation HostToContainer", StringComparison.Ordinal), "the start to fail with the reason", StartTimeout);
            Assert.Contains("is not on a shared or slave mount of the node", status.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await fx.Kubectl.RunAsync("delete", "pod", "stranded", "-n", ns, "--wait=false");
            await ProcessRunner.RunAsync("umount", ["-l", hostDir]);
        }
    }

    [Fact]
    public async Task Bidirectional_propagation_is_refused_at_admission()
    {
        var ns = await fx.NewNamespaceAsync("propagation");
        var refused = await fx.Kubectl.RunAsync(["apply", "-f", "-"], $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: both-ways, namespace: {{ns}}}
            spec:
              containers:
              - name: app
                image: busybox
                command: ["sleep", "3600"]
                securityContext: {privileged: true}
                volumeMounts: [{name: node, mountPath: /host, mountPropagation: Bidirectional}]
              volumes:
              - name: node
                hostPath: {path: /tmp}
            """);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("spec.containers[0].volumeMounts[0].mountPropagation: Forbidden: Bidirectional mount propagation is not supported by Axolotl", refused.Stderr, StringComparison.Ordinal);
    }

    private async Task RunningAsync(string ns, string pod) =>
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pod", pod, "-n", ns, "-o", "jsonpath={.status.phase}"),
            r => r.Stdout == "Running", $"pod {pod} to run", StartTimeout);

    private static async Task HostAsync(string file, params string[] args)
    {
        var result = await ProcessRunner.RunAsync(file, args);
        Assert.True(result.ExitCode == 0, $"{file} {string.Join(' ', args)}: {result}");
    }
}
