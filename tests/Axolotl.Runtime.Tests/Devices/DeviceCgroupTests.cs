using System.Diagnostics;
using Axolotl.Runtime;
using Axolotl.Runtime.Devices;
using Axolotl.Runtime.Security;

namespace Axolotl.Runtime.Tests.Devices;

/// <summary>
/// The device rules in force for a real process: one that joins a container's cgroup may make any
/// node but opens only the allowed ones, on cgroup v1 (the devices hierarchy) and through the BPF
/// filter on a cgroup2 directory (the node's unified mount, or one mounted for the test), and a
/// privileged container's cgroup opens everything. Only ever opens /dev/mem's node, never reads it.
/// Needs root; cleans its cgroups, nodes and mounts up however it ends.
/// </summary>
public sealed class DeviceCgroupTests : IDisposable
{
    private const string Probe =
        "mknod $D/mem c 1 1 && echo mknod-mem-ok; mknod $D/loop b 7 0 && echo mknod-loop-ok; mknod $D/null c 1 3; mknod $D/kmsg c 1 11; " +
        "(: < $D/mem) 2>&1 | sed 's/^/mem: /'; (: < $D/loop) 2>&1 | sed 's/^/loop: /'; (: > $D/kmsg) 2>&1 | sed 's/^/kmsg: /'; " +
        "echo x > $D/null && echo null-ok; echo";

    private readonly string _nodes = Directory.CreateTempSubdirectory("axolotl-devices-").FullName;

    private static bool Root => Environment.UserName == "root";

    private static ContainerSpec Spec(bool privileged) =>
        new("pod", "c", ["true"], new Dictionary<string, string>(), null, "/dev/null") { Security = new ContainerSecurity { Privileged = privileged } };

    public void Dispose() => Directory.Delete(_nodes, recursive: true);

    [Fact]
    public void A_v1_container_cgroup_lists_runcs_rules_and_its_process_opens_only_those_devices()
    {
        if (!Root || !File.Exists("/sys/fs/cgroup/devices/cgroup.procs") || Cgroups.IsPureV2)
        {
            return;
        }

        var root = $"axolotl-devices-test-{Environment.ProcessId}";
        var path = $"{root}/pod/c";
        var devices = $"/sys/fs/cgroup/devices/{path}";
        try
        {
            var cgroups = Cgroups.Create(path, Spec(privileged: false));
            Assert.Contains(devices, cgroups.Directories);
            Assert.Equal(DeviceRules.Default.Select(r => r.V1Line).Order(), File.ReadAllLines(Path.Combine(devices, "devices.list")).Order());
            // The pod's own cgroup is left as open as the node's: a privileged sibling needs that.
            Assert.Equal("a *:* rwm", File.ReadAllText($"/sys/fs/cgroup/devices/{root}/pod/devices.list").Trim());

            var output = RunIn(Path.Combine(devices, "cgroup.procs"));
            Assert.Contains("mknod-mem-ok", output, StringComparison.Ordinal);
            Assert.Contains("mknod-loop-ok", output, StringComparison.Ordinal);
            Assert.Matches("mem: .*Operation not permitted", output);
            Assert.Matches("loop: .*Operation not permitted", output);
            Assert.Matches("kmsg: .*Operation not permitted", output);
            Assert.Contains("null-ok", output, StringComparison.Ordinal);

            // The same container made privileged (a new spec): every device, from the same cgroup.
            Cgroups.Create(path, Spec(privileged: true));
            Assert.Equal("a *:* rwm", File.ReadAllText(Path.Combine(devices, "devices.list")).Trim());
            ResetNodes();
            output = RunIn(Path.Combine(devices, "cgroup.procs"));
            Assert.DoesNotContain("not permitted", output, StringComparison.Ordinal);
            Assert.Contains("null-ok", output, StringComparison.Ordinal);
        }
        finally
        {
            Cgroups.RemovePod($"{root}/pod");
            foreach (var hierarchy in new[] { "memory", "cpu", "cpuacct", "pids", "devices", "unified" })
            {
                var dir = Path.Combine("/sys/fs/cgroup", hierarchy, root);
                if (Directory.Exists(dir))
                {
                    Directory.Delete(dir);
                }
            }
        }
    }

    [Fact]
    public void A_bpf_device_filter_on_a_cgroup2_directory_denies_what_the_rules_do_not_allow_and_is_replaced_not_stacked()
    {
        if (!Root)
        {
            return;
        }

        string? mounted = null;
        var mount = CgroupMoves.FindCgroup2Mount()?.Path;
        if (mount is null)
        {
            mounted = Directory.CreateTempSubdirectory("axolotl-cgroup2-").FullName;
            Assert.Equal(0, Run("mount", "-t", "cgroup2", "none", mounted).ExitCode);
            mount = mounted;
        }

        var dir = Path.Combine(mount, $"axolotl-devfilter-test-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(dir);
            DeviceCgroup.AttachV2(dir, DeviceRules.Default);
            Assert.Single(BpfDeviceFilter.Attached(dir));

            var output = RunIn(Path.Combine(dir, "cgroup.procs"));
            Assert.Contains("mknod-mem-ok", output, StringComparison.Ordinal);
            Assert.Contains("mknod-loop-ok", output, StringComparison.Ordinal);
            Assert.Matches("mem: .*Operation not permitted", output);
            Assert.Matches("loop: .*Operation not permitted", output);
            Assert.Matches("kmsg: .*Operation not permitted", output);
            Assert.Contains("null-ok", output, StringComparison.Ordinal);

            // A reused cgroup's new rules replace the old program: stacked, the old one would still deny.
            DeviceCgroup.AttachV2(dir, DeviceRules.AllowAll);
            Assert.Single(BpfDeviceFilter.Attached(dir));
            ResetNodes();
            output = RunIn(Path.Combine(dir, "cgroup.procs"));
            Assert.DoesNotContain("not permitted", output, StringComparison.Ordinal);
            Assert.Contains("null-ok", output, StringComparison.Ordinal);
        }
        finally
        {
            // The cgroup's programs go with it.
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir);
            }

            if (mounted is not null)
            {
                Run("umount", mounted);
                Directory.Delete(mounted);
            }
        }
    }

    /// <summary>Runs the probe in a shell that first joins the cgroup; its output.</summary>
    private string RunIn(string procsFile)
    {
        var result = Run("/bin/sh", "-c", $"echo $$ > {procsFile} || exit 99; D={_nodes}; {Probe}");
        Assert.Equal(0, result.ExitCode);
        return result.Output;
    }

    private void ResetNodes()
    {
        foreach (var node in Directory.EnumerateFileSystemEntries(_nodes))
        {
            File.Delete(node);
        }
    }

    private static (int ExitCode, string Output) Run(string file, params string[] arguments)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr);
    }
}
