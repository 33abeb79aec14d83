using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.PodFields;

/// <summary>
/// PodSpec fields that were stored and ignored (issue 32 item 5), through the real kubectl on real
/// containers: hostAliases in the pod's /etc/hosts, shareProcessNamespace (one pid namespace whose
/// PID 1 is the sandbox's init), and mountPropagation (HostToContainer sees a later node mount;
/// Bidirectional is refused at admission). The ledger is docs/pod-fields.md.
/// </summary>
[Collection(SharedServerECollection.Name)]
public sealed class PodFieldTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task HostAliases_are_appended_to_the_pods_hosts_file_under_the_kubelets_comment()
    {
        var ns = await fx.NewNamespaceAsync("hostaliases");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: aliased, namespace: {{ns}} }
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
            metadata: {name: shared, namespace: {{ns}} }
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
            metadata: {name: apart, namespace: {{ns}} }
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
        // PID 1 is the sandbox's: the container's own command is found by its arguments. The kill comes from
        // the other container: a shell in "first" itself is killed with it when that container ends, and may
        // be before it reports its own exit (137).
        await fx.Kubectl.OkAsync("exec", "shared", "-c", "second", "-n", ns, "--", "sh", "-c", "kill $(ps -o pid,args | awk '/^ *[0-9]+ sleep 360[1]/ {print $1}')");
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
                metadata: {name: watcher, namespace: {{ns}} }
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
                metadata: {name: stranded, namespace: {{ns}} }
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
            metadata: {name: both-ways, namespace: {{ns}} }
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
        Assert.Contains("spec.containers[0].volumeMounts.mountPropagation: Forbidden: Bidirectional mount propagation is not supported by Axolotl", refused.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetHostnameAsFQDN_makes_the_containers_hostname_the_pods_fqdn()
    {
        var ns = await fx.NewNamespaceAsync("fqdn");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: named, namespace: {{ns}} }
            spec:
              hostname: web-0
              subdomain: web
              setHostnameAsFQDN: true
              containers:
              - name: app
                image: busybox
                command: ["sleep", "3600"]
            """, "apply", "-f", "-");
        await RunningAsync(ns, "named");

        Assert.Equal($"web-0.web.{ns}.svc.cluster.local\n", await fx.Kubectl.OkAsync("exec", "named", "-n", ns, "--", "hostname"));
    }

    [Fact]
    public async Task ReadinessGates_hold_Ready_until_their_condition_is_True()
    {
        var ns = await fx.NewNamespaceAsync("gates");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: gated, namespace: {{ns}} }
            spec:
              readinessGates: [{conditionType: example.com/feature}]
              containers:
              - name: app
                image: busybox
                command: ["sleep", "3600"]
            """, "apply", "-f", "-");
        await RunningAsync(ns, "gated");

        var ready = await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pod", "gated", "-n", ns, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")]}"),
            r => r.Stdout.Contains("ReadinessGatesNotReady", StringComparison.Ordinal), "Ready False for the gate", StartTimeout);
        Assert.Contains("corresponding condition of pod readiness gate \\\"example.com/feature\\\" does not exist.", ready.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"gated\s+1/1\s+Running\s+0\s+\S+\s+\S+\s+\S+\s+<none>\s+0/1", await fx.Kubectl.OkAsync("get", "pod", "gated", "-n", ns, "-o", "wide"));

        await fx.Kubectl.OkAsync("patch", "pod", "gated", "-n", ns, "--subresource=status", "--type=strategic",
            "-p", """{"status":{"conditions":[{"type":"example.com/feature","status":"True"}]} }""");
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pod", "gated", "-n", ns, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"),
            r => r.Stdout == "True", "Ready once the gate's condition is True", StartTimeout);
        // The gate's own condition stays as its owner set it.
        Assert.Equal("True", await fx.Kubectl.OkAsync("get", "pod", "gated", "-n", ns, "-o", "jsonpath={.status.conditions[?(@.type==\"example.com/feature\")].status}"));
    }

    [Fact]
    public async Task The_termination_message_file_and_the_log_fallback_reach_the_terminated_state()
    {
        var ns = await fx.NewNamespaceAsync("termmsg");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: file, namespace: {{ns}} }
            spec:
              restartPolicy: Never
              containers:
              - name: app
                image: busybox
                command: ["sh", "-c", "printf 'written by the app' > /dev/termination-log; exit 3"]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: custom, namespace: {{ns}} }
            spec:
              restartPolicy: Never
              containers:
              - name: app
                image: busybox
                terminationMessagePath: /tmp/why
                command: ["sh", "-c", "echo at a path of its own > /tmp/why"]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: fallback, namespace: {{ns}} }
            spec:
              restartPolicy: Never
              containers:
              - name: app
                image: busybox
                terminationMessagePolicy: FallbackToLogsOnError
                command: ["sh", "-c", "echo first; echo last words; exit 1"]
            """, "apply", "-f", "-");

        Assert.Equal("written by the app", await MessageAsync(ns, "file"));
        Assert.Equal("at a path of its own\n", await MessageAsync(ns, "custom"));
        Assert.Equal("first\nlast words\n", await MessageAsync(ns, "fallback"));
        var describe = await fx.Kubectl.OkAsync("describe", "pod", "file", "-n", ns);
        Assert.Matches(@"Message:\s+written by the app", describe);
    }

    [Fact]
    public async Task Fields_Axolotl_cannot_honour_are_refused_at_admission_with_the_field_and_the_reason()
    {
        var ns = await fx.NewNamespaceAsync("refused");
        var refused = await fx.Kubectl.RunAsync(["apply", "-f", "-"], $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: everything, namespace: {{ns}} }
            spec:
              runtimeClassName: kata
              os: {name: windows}
              overhead: {cpu: 100m}
              containers:
              - name: app
                image: busybox
                command: ["sleep", "3600"]
                resizePolicy: [{resourceName: cpu, restartPolicy: NotRequired}]
                volumeDevices: [{name: disk, devicePath: /dev/xvda}]
                volumeMounts: [{name: disk, mountPath: /data, readOnly: true, recursiveReadOnly: Enabled}]
              volumes:
              - name: disk
                emptyDir: {}
            """);
        Assert.NotEqual(0, refused.ExitCode);
        foreach (var expected in new[]
        {
            "spec.runtimeClassName: Forbidden: runtimeClassName is not supported by Axolotl",
            "spec.os.name: Forbidden: windows is not supported by Axolotl",
            "spec.containers[0].resizePolicy: Forbidden: resizePolicy is not supported by Axolotl",
            "spec.containers[0].volumeDevices: Forbidden: volumeDevices is not supported by Axolotl",
            "spec.containers[0].volumeMounts.recursiveReadOnly: Forbidden: recursiveReadOnly is not supported by Axolotl",
            "spec.overhead: Forbidden: overhead is set from a RuntimeClass",
        })
        {
            Assert.Contains(expected, refused.Stderr, StringComparison.Ordinal);
        }

        // In a template too: the Deployment is refused, not its pods later.
        var deployment = await fx.Kubectl.RunAsync(["apply", "-f", "-"], $$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: claims, namespace: {{ns}} }
            spec:
              selector: {matchLabels: {app: claims} }
              template:
                metadata: {labels: {app: claims} }
                spec:
                  resourceClaims: [{name: gpu, resourceClaimName: gpu}]
                  containers:
                  - name: app
                    image: busybox
                    resources: {claims: [{name: gpu}]}
            """);
        Assert.NotEqual(0, deployment.ExitCode);
        Assert.Contains("spec.template.spec.resourceClaims: Forbidden: resourceClaims is not supported by Axolotl", deployment.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.template.spec.containers[0].resources.claims: Forbidden: resources.claims is not supported by Axolotl", deployment.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_schedulers_pod_and_a_gated_pod_wait_while_a_system_critical_pod_runs_with_its_priority()
    {
        var ns = await fx.NewNamespaceAsync("scheduling");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: elsewhere, namespace: {{ns}} }
            spec:
              schedulerName: my-scheduler
              containers: [{name: app, image: busybox, command: ["sleep", "3600"]}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: gated, namespace: {{ns}} }
            spec:
              schedulingGates: [{name: example.com/wait}]
              containers: [{name: app, image: busybox, command: ["sleep", "3600"]}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: critical, namespace: {{ns}} }
            spec:
              priorityClassName: system-node-critical
              containers: [{name: app, image: busybox, command: ["sleep", "3600"]}]
            """, "apply", "-f", "-");
        await RunningAsync(ns, "critical");
        Assert.Equal("2000001000", await fx.Kubectl.OkAsync("get", "pod", "critical", "-n", ns, "-o", "jsonpath={.spec.priority}"));

        // Created before the critical pod ran: neither was bound meanwhile.
        Assert.Equal("", await fx.Kubectl.OkAsync("get", "pod", "elsewhere", "-n", ns, "-o", "jsonpath={.spec.nodeName}"));
        Assert.Equal("", await fx.Kubectl.OkAsync("get", "pod", "gated", "-n", ns, "-o", "jsonpath={.spec.nodeName}"));

        await fx.Kubectl.OkAsync("patch", "pod", "gated", "-n", ns, "--type=json", "-p", """[{"op":"remove","path":"/spec/schedulingGates"}]""");
        await RunningAsync(ns, "gated");
    }

    [Fact]
    public async Task A_preStop_exec_hook_runs_before_the_container_is_stopped()
    {
        var ns = await fx.NewNamespaceAsync("prestop");
        var hostDir = Path.Combine(fx.WorkDir, fx.UniqueName("prestop"));
        Directory.CreateDirectory(hostDir);
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: polite, namespace: {{ns}} }
            spec:
              containers:
              - name: app
                image: busybox
                command: ["sleep", "3600"]
                lifecycle:
                  preStop:
                    exec: {command: ["sh", "-c", "echo goodbye > /out/said"]}
                volumeMounts: [{name: out, mountPath: /out}]
              volumes:
              - name: out
                hostPath: {path: {{hostDir}}, type: Directory}
            """, "apply", "-f", "-");
        await RunningAsync(ns, "polite");

        await fx.Kubectl.OkAsync("delete", "pod", "polite", "-n", ns, "--wait=true");
        Assert.Equal("goodbye\n", await File.ReadAllTextAsync(Path.Combine(hostDir, "said")));
    }

    private async Task<string> MessageAsync(string ns, string pod)
    {
        var result = await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pod", pod, "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].state.terminated.finishedAt}"),
            r => r.Stdout.Length > 0, $"pod {pod} to end", StartTimeout);
        Assert.NotEmpty(result.Stdout);
        return await fx.Kubectl.OkAsync("get", "pod", pod, "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].state.terminated.message}");
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
