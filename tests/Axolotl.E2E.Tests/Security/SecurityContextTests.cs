using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Security;

/// <summary>
/// Each securityContext field read from inside the container, on the real runtime: the process's
/// ids and groups, its capability sets and NoNewPrivs in /proc/self/status, a write to a read-only
/// root, sysctl values, and the node's network and processes for hostNetwork and hostPID; plus the
/// kubelet's refusals (runAsNonRoot, forbidden sysctls) and an unknown capability.
/// </summary>
public sealed class SecurityContextTests(SecurityServerFixture fx) : IClassFixture<SecurityServerFixture>
{
    private const string Status = "grep -E \"^(CapEff|CapBnd|CapInh|NoNewPrivs)\" /proc/self/status; echo \"id: $(id)\"";

    [Fact]
    public async Task A_default_container_is_root_with_containerds_capability_set_and_no_NoNewPrivs()
    {
        var ns = await fx.NewNamespaceAsync("sc-default");
        var log = await SecurityPods.RunAsync(fx, ns, "plain", Status);
        Assert.Equal("00000000a80425fb", SecurityPods.Field(log, "CapBnd:"));
        Assert.Equal("00000000a80425fb", SecurityPods.Field(log, "CapEff:"));
        Assert.Equal("0000000000000000", SecurityPods.Field(log, "CapInh:"));
        Assert.Equal("0", SecurityPods.Field(log, "NoNewPrivs:"));
        Assert.StartsWith("uid=0(root) gid=0(root)", SecurityPods.Field(log, "id:"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsUser_runAsGroup_supplementalGroups_and_fsGroup_set_the_ids_and_own_the_volumes()
    {
        var ns = await fx.NewNamespaceAsync("sc-ids");
        var log = await SecurityPods.RunAsync(fx, ns, "ids", Status + "; echo \"vol: $(stat -c \"%g %A\" /data)\"; touch /data/f && echo \"file: $(stat -c %g /data/f)\"",
            """
            securityContext: {runAsUser: 1000, runAsGroup: 3000, supplementalGroups: [4000], fsGroup: 2000}
            volumes: [{name: data, emptyDir: {}}]
            """,
            "volumeMounts: [{name: data, mountPath: /data}]");
        var id = SecurityPods.Field(log, "id:");
        Assert.StartsWith("uid=1000 gid=3000 groups=", id, StringComparison.Ordinal);
        Assert.Contains("4000", id, StringComparison.Ordinal);
        Assert.Contains("2000", id, StringComparison.Ordinal);
        // A non-root process keeps the bounding set but no effective capability (execve as non-root).
        Assert.Equal("0000000000000000", SecurityPods.Field(log, "CapEff:"));
        Assert.Equal("00000000a80425fb", SecurityPods.Field(log, "CapBnd:"));
        Assert.Equal("2000 drwxrwsrwx", SecurityPods.Field(log, "vol:"));
        Assert.Equal("2000", SecurityPods.Field(log, "file:"));
    }

    [Fact]
    public async Task The_container_runAsUser_wins_over_the_pods()
    {
        var ns = await fx.NewNamespaceAsync("sc-precedence");
        var log = await SecurityPods.RunAsync(fx, ns, "wins", Status, "securityContext: {runAsUser: 1000}", "securityContext: {runAsUser: 1500}");
        Assert.StartsWith("uid=1500 ", SecurityPods.Field(log, "id:"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsNonRoot_with_an_image_running_as_root_is_the_kubelets_CreateContainerConfigError()
    {
        var ns = await fx.NewNamespaceAsync("sc-nonroot");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: rootimage, namespace: {{ns}}}
            spec:
              securityContext: {runAsNonRoot: true}
              containers:
              - {name: app, image: busybox, command: ["sleep", "3600"]}
            """, "apply", "-f", "-");
        var uid = await fx.Kubectl.OkAsync("get", "pod", "rootimage", "-n", ns, "-o", "jsonpath={.metadata.uid}");
        var waiting = await Eventually.UntilAsync(
            () => fx.Kubectl.RunAsync("get", "pod", "rootimage", "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].state.waiting.reason}|{.status.containerStatuses[0].state.waiting.message}"),
            r => r.Stdout.StartsWith("CreateContainerConfigError|", StringComparison.Ordinal), "CreateContainerConfigError", SecurityPods.StartTimeout);
        Assert.Equal($"CreateContainerConfigError|container has runAsNonRoot and image will run as root (pod: \"rootimage_{ns}({uid})\", container: app)", waiting.Stdout);
    }

    [Fact]
    public async Task Capabilities_drop_ALL_then_add_with_or_without_the_CAP_prefix()
    {
        var ns = await fx.NewNamespaceAsync("sc-caps");
        var log = await SecurityPods.RunAsync(fx, ns, "caps", Status, containerExtra: "securityContext: {capabilities: {drop: [ALL], add: [NET_BIND_SERVICE, CAP_CHOWN]}}");
        Assert.Equal("0000000000000401", SecurityPods.Field(log, "CapBnd:"));
        Assert.Equal("0000000000000401", SecurityPods.Field(log, "CapEff:"));
    }

    [Fact]
    public async Task An_unknown_capability_fails_the_start()
    {
        var ns = await fx.NewNamespaceAsync("sc-badcap");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: badcap, namespace: {{ns}}}
            spec:
              containers:
              - name: app
                image: busybox
                command: ["sleep", "3600"]
                securityContext:
                  capabilities: {add: [NO_SUCH_CAP]}
            """, "apply", "-f", "-");
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "events", "-n", ns, "--field-selector", "involvedObject.name=badcap", "-o", "jsonpath={.items[*].message}"),
            r => r.Stdout.Contains("Error: unknown capability \"CAP_NO_SUCH_CAP\"", StringComparison.Ordinal), "the start error event", SecurityPods.StartTimeout);
        Assert.NotEqual("Running", await fx.Kubectl.OkAsync("get", "pod", "badcap", "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].state.running}"));
    }

    [Fact]
    public async Task AllowPrivilegeEscalation_false_sets_NoNewPrivs()
    {
        var ns = await fx.NewNamespaceAsync("sc-nnp");
        var log = await SecurityPods.RunAsync(fx, ns, "nnp", Status, containerExtra: "securityContext: {allowPrivilegeEscalation: false}");
        Assert.Equal("1", SecurityPods.Field(log, "NoNewPrivs:"));
        var exec = await fx.Kubectl.OkAsync("exec", "nnp", "-n", ns, "--", "grep", "NoNewPrivs", "/proc/self/status");
        Assert.Contains("1", exec, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadOnlyRootFilesystem_refuses_writes_to_the_root_but_not_to_volumes()
    {
        var ns = await fx.NewNamespaceAsync("sc-ro");
        var log = await SecurityPods.RunAsync(fx, ns, "ro", "echo \"root: $(touch /x 2>&1)\"; touch /data/y && echo volume: ok; touch /dev/shm/z && echo shm: ok",
            "volumes: [{name: data, emptyDir: {}}]",
            """
            securityContext: {readOnlyRootFilesystem: true}
            volumeMounts: [{name: data, mountPath: /data}]
            """);
        Assert.Contains("Read-only file system", SecurityPods.Field(log, "root:"), StringComparison.Ordinal);
        Assert.Equal("ok", SecurityPods.Field(log, "volume:"));
        Assert.Equal("ok", SecurityPods.Field(log, "shm:"));
    }

    [Fact]
    public async Task Safe_and_node_allowed_sysctls_are_set_in_the_pods_namespaces()
    {
        var ns = await fx.NewNamespaceAsync("sc-sysctl");
        var log = await SecurityPods.RunAsync(fx, ns, "sysctl",
            "echo \"range: $(cat /proc/sys/net/ipv4/ip_local_port_range)\"; echo \"rmid: $(cat /proc/sys/kernel/shm_rmid_forced)\"; echo \"msgmax: $(cat /proc/sys/kernel/msgmax)\"",
            """
            securityContext:
              sysctls:
              - {name: net.ipv4.ip_local_port_range, value: "20000 40000"}
              - {name: kernel.shm_rmid_forced, value: "1"}
              - {name: kernel.msgmax, value: "12345"}
            """);
        Assert.Equal("20000\t40000", SecurityPods.Field(log, "range:"));
        Assert.Equal("1", SecurityPods.Field(log, "rmid:"));
        Assert.Equal("12345", SecurityPods.Field(log, "msgmax:"));
        Assert.NotEqual("20000\t40000", File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Trim());
    }

    [Fact]
    public async Task An_unsafe_sysctl_the_node_does_not_allow_is_rejected_with_SysctlForbidden()
    {
        var ns = await fx.NewNamespaceAsync("sc-unsafe");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: unsafe, namespace: {{ns}}}
            spec:
              securityContext: {sysctls: [{name: kernel.sem, value: "250 32000 32 128"}]}
              containers:
              - {name: app, image: busybox, command: ["sleep", "3600"]}
            """, "apply", "-f", "-");
        var status = await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pod", "unsafe", "-n", ns, "-o", "jsonpath={.status.phase}|{.status.reason}|{.status.message}"),
            r => r.Stdout.StartsWith("Failed|", StringComparison.Ordinal), "the pod to be rejected", SecurityPods.StartTimeout);
        Assert.Equal("Failed|SysctlForbidden|Pod was rejected: forbidden sysctl: \"kernel.sem\" not allowlisted", status.Stdout);
    }

    [Fact]
    public async Task HostNetwork_pods_see_the_nodes_interfaces_and_have_its_address()
    {
        var ns = await fx.NewNamespaceAsync("sc-hostnet");
        var log = await SecurityPods.RunAsync(fx, ns, "hostnet", "echo \"links: $(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d \" \" | tr \"\\n\" \" \")\"",
            "hostNetwork: true");
        var links = SecurityPods.Field(log, "links:").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var nodeLinks = File.ReadAllLines("/proc/net/dev").Skip(2).Select(l => l.Split(':')[0].Trim()).ToHashSet();
        Assert.True(links.Length > 2, $"a host-network pod sees the node's interfaces, not lo and eth0 only: {string.Join(' ', links)}");
        Assert.Contains(links, nodeLinks.Contains);
        var ips = await fx.Kubectl.OkAsync("get", "pod", "hostnet", "-n", ns, "-o", "jsonpath={.status.podIP}={.status.hostIP}");
        var parts = ips.Split('=');
        Assert.Equal(parts[1], parts[0]);
    }

    [Fact]
    public async Task HostPID_pods_see_the_nodes_processes()
    {
        var ns = await fx.NewNamespaceAsync("sc-hostpid");
        var me = Environment.ProcessId;
        var log = await SecurityPods.RunAsync(fx, ns, "hostpid", $"test -d /proc/{me} && echo \"node: visible\" || echo \"node: hidden\"", "hostPID: true");
        Assert.Equal("visible", SecurityPods.Field(log, "node:"));
        var plain = await SecurityPods.RunAsync(fx, ns, "ownpid", $"test -d /proc/{me} && echo \"node: visible\" || echo \"node: hidden\"");
        Assert.Equal("hidden", SecurityPods.Field(plain, "node:"));
    }

    [Fact]
    public async Task A_hostPort_forwards_a_port_of_the_node_to_the_pod()
    {
        var ns = await fx.NewNamespaceAsync("sc-hostport");
        var hostPort = LoopbackPorts.Free();
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: {{ns}}}
            spec:
              containers:
              - name: web
                image: axolotl/http-hello
                ports: [{containerPort: 8080, hostPort: {{hostPort}}}]
            """, "apply", "-f", "-");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var body = await Eventually.UntilAsync(async () =>
            {
                try
                {
                    return await http.GetStringAsync($"http://127.0.0.1:{hostPort}/");
                }
                // Before the pod listens: refused, or (a connection accepted and reset at once) a SocketException
                // that HttpClient lets through unwrapped when it asks the closed socket for its peer.
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Net.Sockets.SocketException)
                {
                    return "";
                }
            }, b => b.Contains("Hello", StringComparison.Ordinal), "the host port to answer", SecurityPods.StartTimeout);
        Assert.Contains("web", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fields_the_node_cannot_honour_are_refused_at_admission()
    {
        var ns = await fx.NewNamespaceAsync("sc-refused");
        var result = await fx.Kubectl.RunAsync(["apply", "-f", "-"], $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: refused, namespace: {{ns}}}
            spec:
              hostUsers: false
              securityContext:
                seLinuxOptions: {level: "s0:c1"}
              containers:
              - name: app
                image: busybox
                securityContext:
                  appArmorProfile: {type: RuntimeDefault}
                  windowsOptions: {runAsUserName: admin}
            """);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("spec.securityContext.seLinuxOptions: Forbidden: SELinux is not enabled on Axolotl's nodes", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.hostUsers: Forbidden:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.containers[0].securityContext.appArmorProfile: Forbidden:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.containers[0].securityContext.windowsOptions: Forbidden:", result.Stderr, StringComparison.Ordinal);
    }
}
