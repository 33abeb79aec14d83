using System.Globalization;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Security.Escape;

/// <summary>
/// Issue 31, attack 3: CAP_MKNOD is a default capability (as under runc), so a pod can make a node for
/// any device; the device cgroup is what keeps it from opening one. A default pod makes nodes for a
/// loop device the test backs with a marked file, for the node's root disk and for /dev/mem and
/// /dev/kmsg, and every open fails with EPERM, in the container, in a restart of it, in an exec into
/// it and in an ephemeral container beside it; the standard devices still work. A privileged pod opens the loop device; a pod of a
/// restricted namespace cannot even make a node. Reads only: /dev/mem and the disk go to /dev/null,
/// kmsg is opened and closed.
/// </summary>
[Collection(SharedServerDCollection.Name)]
public sealed class DeviceEscapeTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private const string Marker = "axolotl-device-escape-marker";

    private static string Attempts(string loop, string disk) => string.Join("; ",
        "echo \"dev: $(ls /dev | tr '\\n' ' ')\"",
        // In /dev: every other file system of the container is mounted nodev, its /dev tmpfs cannot be.
        $"mknod /dev/x-loop b {loop} && echo \"mknod: ok\"",
        "echo \"loop: $(dd if=/dev/x-loop bs=512 count=1 2>&1 | head -1)\"",
        $"mknod /dev/x-disk b {disk}; echo \"disk: $(dd if=/dev/x-disk of=/dev/null bs=512 count=1 2>&1 | head -1)\"",
        "mknod /dev/x-mem c 1 1; echo \"mem: $(dd if=/dev/x-mem of=/dev/null bs=1 count=1 2>&1 | head -1)\"",
        "mknod /dev/x-kmsg c 1 11; echo \"kmsg: $( (: < /dev/x-kmsg) 2>&1)\"",
        "echo \"null: $(echo x > /dev/null && echo ok)\"",
        "echo \"zero: $(head -c 4 /dev/zero | wc -c)\"",
        "echo \"urandom: $(head -c 4 /dev/urandom | wc -c)\"",
        // No controlling terminal: the tty driver says ENXIO; a device cgroup refusal would be EPERM.
        "echo \"tty: $( (: < /dev/tty) 2>&1)\"",
        "echo \"ptmx: $( (: < /dev/ptmx) 2>&1 && echo ok)\"",
        "echo \"list: $(cat /sys/fs/cgroup/devices/devices.list 2>&1 | tr '\\n' ',')\"",
        "echo \"allow: $(echo a 2>&1 > /sys/fs/cgroup/devices/devices.allow)\"");

    [Fact]
    public async Task A_default_pod_makes_device_nodes_but_opens_none_but_the_standard_devices()
    {
        await using var loop = await LoopDevice.CreateAsync();
        var ns = await fx.NewNamespaceAsync("devices");
        var log = await SecurityPods.RunAsync(fx, ns, "attacker", Attempts(loop.Numbers, RootDisk()));

        Assert.Equal("ok", SecurityPods.Field(log, "mknod:"));
        Assert.DoesNotContain(Marker, log, StringComparison.Ordinal);
        foreach (var device in new[] { "loop:", "disk:", "mem:", "kmsg:" })
        {
            Assert.Contains("Operation not permitted", SecurityPods.Field(log, device), StringComparison.Ordinal);
        }

        Assert.Equal("ok", SecurityPods.Field(log, "null:"));
        Assert.Equal("4", SecurityPods.Field(log, "zero:"));
        Assert.Equal("4", SecurityPods.Field(log, "urandom:"));
        Assert.DoesNotContain("not permitted", SecurityPods.Field(log, "tty:"), StringComparison.Ordinal);
        Assert.Equal("ok", SecurityPods.Field(log, "ptmx:"));

        // Its own rules are in its view, read-only, and /dev holds the standard nodes only.
        var list = SecurityPods.Field(log, "list:");
        Assert.Contains("c 1:3 rwm", list, StringComparison.Ordinal);
        Assert.DoesNotContain("a *:* rwm", list, StringComparison.Ordinal);
        Assert.Contains("Read-only file system", SecurityPods.Field(log, "allow:"), StringComparison.Ordinal);
        var dev = SecurityPods.Field(log, "dev:").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Empty(dev.Except(["null", "zero", "full", "random", "urandom", "tty", "pts", "ptmx", "shm", "mqueue", "fd", "stdin", "stdout", "stderr", "core", "console", "termination-log"]));

        // A process exec'd into the container joins its device cgroup too.
        var exec = await fx.Kubectl.RunAsync("exec", "attacker", "-n", ns, "--", "sh", "-c",
            $"mknod /dev/x-loop2 b {loop.Numbers} && dd if=/dev/x-loop2 bs=512 count=1 2>&1 | head -1; grep devices /proc/self/cgroup");
        Assert.Contains("Operation not permitted", exec.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Marker, exec.Stdout, StringComparison.Ordinal);
        Assert.Matches(":devices:/.+/app", exec.Stdout);
    }

    [Fact]
    public async Task A_restarted_container_keeps_its_device_rules()
    {
        await using var loop = await LoopDevice.CreateAsync();
        var ns = await fx.NewNamespaceAsync("devices-restart");
        // Exits within a second, again and again: its restarts start from a prepared standby (ADR 0002).
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: crasher, namespace: {{ns}}}
            spec:
              containers:
              - name: app
                image: busybox
                command: ["sh", "-c", "mknod /dev/x-loop b {{loop.Numbers}}; echo \"loop: $(dd if=/dev/x-loop bs=512 count=1 2>&1 | head -1)\"; sleep 0.5; exit 1"]
            """, "apply", "-f", "-");
        await Eventually.KubectlAsync(fx.Kubectl, r => int.TryParse(r.Stdout.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1,
            "a restart", "get", "pod", "crasher", "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].restartCount}");
        var log = await Eventually.KubectlAsync(fx.Kubectl, r => r.Stdout.Contains("loop:", StringComparison.Ordinal), "a restart's log", "logs", "crasher", "-n", ns);
        Assert.Contains("Operation not permitted", SecurityPods.Field(log.Stdout, "loop:"), StringComparison.Ordinal);
        Assert.DoesNotContain(Marker, log.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ephemeral_container_gets_the_same_device_rules()
    {
        await using var loop = await LoopDevice.CreateAsync();
        var ns = await fx.NewNamespaceAsync("devices-debug");
        await fx.Kubectl.OkAsync("run", "target", "-n", ns, "--image=busybox", "--", "sleep", "3600");
        await Eventually.KubectlAsync(fx.Kubectl, r => r.Stdout == "Running", "pod target to run", "get", "pod", "target", "-n", ns, "-o", "jsonpath={.status.phase}");
        var script = $"mknod /dev/x-loop b {loop.Numbers}; dd if=/dev/x-loop bs=512 count=1 2>&1 | head -1 | sed 's/^/loop: /'; sleep 3600";
        await fx.Kubectl.OkAsync("patch", "pod", "target", "-n", ns, "--subresource=ephemeralcontainers", "--type=strategic",
            "-p", $$$"""{"spec":{"ephemeralContainers":[{"name":"debugger","image":"busybox","command":["sh","-c","{{{script}}}"]}]}}""");
        var log = await Eventually.KubectlAsync(fx.Kubectl, r => r.Stdout.Contains("loop:", StringComparison.Ordinal), "the debugger's log", "logs", "target", "-n", ns, "-c", "debugger");
        Assert.Contains("Operation not permitted", SecurityPods.Field(log.Stdout, "loop:"), StringComparison.Ordinal);
        Assert.DoesNotContain(Marker, log.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_privileged_pod_opens_a_block_device()
    {
        await using var loop = await LoopDevice.CreateAsync();
        var ns = await fx.NewNamespaceAsync("devices-privileged");
        var log = await SecurityPods.RunAsync(fx, ns, "privileged",
            $"mknod /dev/x-loop b {loop.Numbers}; echo \"loop: $(dd if=/dev/x-loop bs=512 count=1 2>/dev/null | head -1)\"; " +
            "echo \"list: $(cat /sys/fs/cgroup/devices/devices.list 2>&1)\"",
            containerExtra: "securityContext: {privileged: true}");
        Assert.Equal(Marker, SecurityPods.Field(log, "loop:"));
        Assert.Equal("a *:* rwm", SecurityPods.Field(log, "list:"));
    }

    [Fact]
    public async Task A_restricted_pod_cannot_make_a_device_node()
    {
        var ns = await fx.NewNamespaceAsync("devices-restricted");
        await fx.Kubectl.OkAsync("label", "namespace", ns, "pod-security.kubernetes.io/enforce=restricted");
        var log = await SecurityPods.RunAsync(fx, ns, "restricted",
            "echo \"mknod: $(mknod /tmp/mem c 1 1 2>&1 && echo made)\"",
            podSpecExtra: "securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}",
            containerExtra: "securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}");
        var mknod = SecurityPods.Field(log, "mknod:");
        Assert.DoesNotContain("made", mknod, StringComparison.Ordinal);
        Assert.Contains("Operation not permitted", mknod, StringComparison.Ordinal);
    }

    /// <summary>The node's root file system's block device (major:minor), or its first disk when the root is not on one.</summary>
    private static string RootDisk()
    {
        var root = File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')).First(f => f[4] == "/")[2];
        if (!root.StartsWith("0:", StringComparison.Ordinal))
        {
            return root.Replace(':', ' ');
        }

        var disk = Directory.EnumerateDirectories("/sys/block")
            .Where(d => !Path.GetFileName(d).StartsWith("loop", StringComparison.Ordinal) && !Path.GetFileName(d).Contains("ram", StringComparison.Ordinal))
            .Select(d => File.ReadAllText(Path.Combine(d, "dev")).Trim())
            .First();
        return disk.Replace(':', ' ');
    }

    /// <summary>A loop device over a file that starts with <see cref="Marker"/>, detached and deleted however the test ends.</summary>
    private sealed class LoopDevice : IAsyncDisposable
    {
        private readonly string _file;
        private readonly string _device;

        private LoopDevice(string file, string device, string numbers)
        {
            _file = file;
            _device = device;
            Numbers = numbers;
        }

        /// <summary>"major minor", as mknod takes them.</summary>
        public string Numbers { get; }

        public static async Task<LoopDevice> CreateAsync()
        {
            var file = Path.Combine(Path.GetTempPath(), $"axolotl-device-escape-{Guid.NewGuid():N}.img");
            var content = new byte[64 * 1024];
            System.Text.Encoding.ASCII.GetBytes(Marker + "\n").CopyTo(content, 0);
            await File.WriteAllBytesAsync(file, content);
            var attach = await ProcessRunner.RunAsync("losetup", ["--find", "--show", "--read-only", file], timeout: TimeSpan.FromSeconds(10));
            if (attach.ExitCode != 0)
            {
                File.Delete(file);
                throw new InvalidOperationException($"losetup: {attach.Stderr}");
            }

            var device = attach.Stdout.Trim();
            var numbers = File.ReadAllText($"/sys/class/block/{Path.GetFileName(device)}/dev").Trim().Replace(':', ' ');
            return new LoopDevice(file, device, numbers);
        }

        public async ValueTask DisposeAsync()
        {
            await ProcessRunner.RunAsync("losetup", ["--detach", _device], timeout: TimeSpan.FromSeconds(10));
            File.Delete(_file);
        }
    }
}
