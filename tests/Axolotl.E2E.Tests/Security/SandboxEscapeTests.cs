using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Security;

/// <summary>
/// Issue 17's attacker, from a pod with default settings: each escape that worked before the sandbox
/// fails as it fails under containerd and runc (no other namespace's handle in sight, no
/// CAP_SYS_ADMIN, /proc/sys and the cgroup view read-only); a privileged pod may do what privileged
/// pods may. Every write is aimed at something the pod's own network namespace owns, so a sandbox
/// that failed would change nothing outside the test.
/// </summary>
[Collection(SharedServerFCollection.Name)]
public sealed class SandboxEscapeTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static string Attempts(int serverPid, string kubeconfig) => string.Join("; ",
        "echo \"netns: $(ls /run/netns 2>&1 | head -1)\"",
        // Its own namespaces (PID 1, the container's init, cannot even be read: see "init").
        "echo \"setns: $(nsenter -t $$ -n true 2>&1; unshare -n true 2>&1 | head -1)\"",
        "echo \"init: $(head -c 16 /proc/1/environ 2>&1)\"",
        $"echo \"token: $(cat /proc/{serverPid}/root{kubeconfig} 2>&1 | head -1)\"",
        "echo \"kill: $(find /sys/fs/cgroup -name cgroup.kill | wc -l) $(mount -t cgroup2 none /tmp 2>&1)\"",
        "echo \"cgroups: $(ls /sys/fs/cgroup/pids | grep -c -v -E \"^(cgroup|pids|notify|tasks|release)\")\"",
        "echo \"pids: $(echo $$ 2>&1 > /sys/fs/cgroup/pids/cgroup.procs)\"",
        "echo \"procsys: $(echo 30 2>&1 > /proc/sys/net/ipv4/tcp_fin_timeout)\"",
        "echo \"mount: $(mkdir -p /tmp/m; mount -t tmpfs none /tmp/m 2>&1 && echo mounted)\"",
        "grep -E \"^CapBnd\" /proc/self/status");

    [Fact]
    public async Task An_attacker_pod_with_default_settings_fails_every_escape()
    {
        var ns = await fx.NewNamespaceAsync("attacker");
        var serverPid = fx.Server.Pid ?? throw new InvalidOperationException("the server is not running");
        var log = await SecurityPods.RunAsync(fx, ns, "attacker", Attempts(serverPid, fx.Server.Kubeconfig));

        Assert.Contains("No such file or directory", SecurityPods.Field(log, "netns:"), StringComparison.Ordinal);
        Assert.Contains("Operation not permitted", SecurityPods.Field(log, "setns:"), StringComparison.Ordinal);
        Assert.Contains("Permission denied", SecurityPods.Field(log, "init:"), StringComparison.Ordinal);
        Assert.Contains("No such file or directory", SecurityPods.Field(log, "token:"), StringComparison.Ordinal);
        Assert.DoesNotContain("apiVersion", log, StringComparison.Ordinal);
        // No cgroup.kill in its view (its own cgroups only, and no cgroup2 of the node), and no mounting a new one.
        var kill = SecurityPods.Field(log, "kill:");
        Assert.StartsWith("0 ", kill, StringComparison.Ordinal);
        Assert.Contains("denied", kill, StringComparison.OrdinalIgnoreCase);
        // Its own pids cgroup is the whole view: no child cgroup of another pod or container.
        Assert.Equal("0", SecurityPods.Field(log, "cgroups:"));
        Assert.Contains("Read-only file system", SecurityPods.Field(log, "pids:"), StringComparison.Ordinal);
        Assert.Contains("Read-only file system", SecurityPods.Field(log, "procsys:"), StringComparison.Ordinal);
        var mount = SecurityPods.Field(log, "mount:");
        Assert.DoesNotContain("mounted", mount, StringComparison.Ordinal);
        Assert.Contains("denied", mount, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("00000000a80425fb", SecurityPods.Field(log, "CapBnd:"));
    }

    [Fact]
    public async Task A_privileged_pod_may_mount_write_proc_sys_and_keeps_every_capability()
    {
        var ns = await fx.NewNamespaceAsync("privileged");
        var log = await SecurityPods.RunAsync(fx, ns, "privileged",
            "echo \"procsys: $(echo 31 2>&1 > /proc/sys/net/ipv4/tcp_fin_timeout && cat /proc/sys/net/ipv4/tcp_fin_timeout)\"; " +
            "echo \"mount: $(mkdir -p /tmp/m; mount -t tmpfs none /tmp/m 2>&1 && echo mounted)\"; echo \"devices: $(ls /dev | wc -l)\"; grep -E \"^CapBnd\" /proc/self/status",
            containerExtra: "securityContext: {privileged: true}");
        Assert.Equal("31", SecurityPods.Field(log, "procsys:"));
        Assert.Equal("mounted", SecurityPods.Field(log, "mount:"));
        Assert.Equal(SecurityPods.HostBoundingSet(), SecurityPods.Field(log, "CapBnd:"));
        Assert.True(int.Parse(SecurityPods.Field(log, "devices:"), System.Globalization.CultureInfo.InvariantCulture) > 20, "a privileged container has the node's devices");
    }
}
