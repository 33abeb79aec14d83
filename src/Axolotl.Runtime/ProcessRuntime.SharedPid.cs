using System.Diagnostics;
using Axolotl.Hosting;

namespace Axolotl.Runtime;

/// <summary>
/// shareProcessNamespace: the sandbox holds one pid namespace (axolotl-launch --pod-pid-ns, pod-pid-ns.c:
/// a "pod-init" as the kubelet's pause container) and every container of the pod joins it instead of
/// making its own, so `ps` in one shows the others' processes and PID 1 is the sandbox's init. Its
/// cgroup "POD" beside the containers' is how the agent finds it again, after a restart too.
/// </summary>
public sealed partial class ProcessRuntime
{
    /// <summary>
    /// The cgroup (and <see cref="ContainerSpec.PidNamespaceOf"/> value) of the sandbox's init; a
    /// container's name is a DNS label, never upper case, so none can be called so.
    /// </summary>
    public const string PodInitName = "POD";

    private static readonly TimeSpan PodInitTimeout = TimeSpan.FromSeconds(10);

    private string PodInitCgroupPath(string podUid) => $"{Options.CgroupRoot}/{podUid}/{PodInitName}";

    /// <summary>Starts the pod's pid-namespace holder unless one already runs (a sandbox made again after an agent restart).</summary>
    private async Task EnsurePodInitAsync(string podUid, CancellationToken ct)
    {
        if (_tools.Launcher is not { } launcher)
        {
            throw new InvalidOperationException("shareProcessNamespace needs the native launcher (axolotl-launch; build with gcc installed)");
        }

        var cgroupPath = PodInitCgroupPath(podUid);
        if (FindPodInit(Cgroups.Open(cgroupPath)) is not null)
        {
            return;
        }

        var cgroups = Cgroups.Create(cgroupPath, new ContainerSpec(podUid, PodInitName, [], new Dictionary<string, string>(), null, ""));
        var psi = new ProcessStartInfo(launcher) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("--pod-pid-ns");
        foreach (var procs in cgroups.ProcsFiles)
        {
            psi.ArgumentList.Add(procs);
        }

        ContainerEnvironment.ApplyClean(psi.Environment);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start axolotl-launch --pod-pid-ns");
        using var timeout = Deadline.After(PodInitTimeout, Time, ct);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await Task.WhenAll(output, error);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0 || !(await output).StartsWith("running ", StringComparison.Ordinal))
        {
            cgroups.KillAll();
            throw new InvalidOperationException($"cannot make the pod's shared process namespace: {(await error).Trim()}");
        }
    }

    /// <summary>The holder's host pid: the member of its cgroup that is PID 1 of its own namespace and named "pod-init".</summary>
    private static int? FindPodInit(Cgroups cgroups)
    {
        foreach (var pid in cgroups.ReadPids())
        {
            var nspids = LinuxProcess.NamespacePids(pid);
            if (nspids.Count >= 2 && nspids[^1] == 1 && Comm(pid) == "pod-init")
            {
                return pid;
            }
        }

        return null;
    }

    /// <summary>After the containers: ends the holder (and with it anything reparented to it) and waits for its cgroup to empty.</summary>
    private async Task RemovePodInitAsync(string podUid, CancellationToken ct)
    {
        var cgroups = Cgroups.Open(PodInitCgroupPath(podUid));
        if (!cgroups.Directories.Any(Directory.Exists))
        {
            return;
        }

        var deadline = Time.GetTimestamp() + (long)(PodInitTimeout.TotalSeconds * Time.TimestampFrequency);
        while (cgroups.ReadPids().Count > 0 && Time.GetTimestamp() < deadline)
        {
            cgroups.KillAll();
            await Task.Delay(EmptyPollInterval, Time, ct);
        }
    }

    private static string? Comm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
