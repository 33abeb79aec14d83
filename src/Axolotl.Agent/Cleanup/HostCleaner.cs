using System.Globalization;
using System.Runtime.InteropServices;
using Axolotl.Runtime;

namespace Axolotl.Agent.Cleanup;

/// <summary>
/// Carries out a <see cref="HostCleanupPlan"/> step by step. A step that fails is reported and the
/// rest still run (one busy mount must not leave the bridge behind); every step is idempotent, so a
/// second run finishes what the first could not.
/// </summary>
public static class HostCleaner
{
    private const int MntDetach = 2;
    private const int UmountNoFollow = 8;
    private const int EInval = 22;
    private const int ENoEnt = 2;
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    [DllImport("libc", EntryPoint = "umount2", SetLastError = true)]
    private static extern int Umount2([MarshalAs(UnmanagedType.LPUTF8Str)] string target, int flags);

    public static async Task<CleanupOutcome> ApplyAsync(HostCleanupPlan plan, TimeProvider time, CancellationToken ct)
    {
        var done = new List<CleanupAction>();
        var failed = new List<(CleanupAction, string)>();
        var killed = new List<CleanupAction>();
        var waited = false;
        foreach (var action in plan.Actions)
        {
            if (!waited && action.Step is not (CleanupStep.KillCgroup or CleanupStep.KillProcess))
            {
                // Everything after the kills needs the processes gone: a mount, namespace or cgroup they hold stays busy.
                waited = true;
                await WaitGoneAsync(killed, time, ct);
            }
            try
            {
                await ApplyAsync(action, ct);
                done.Add(action);
                if (action.Step is CleanupStep.KillCgroup or CleanupStep.KillProcess)
                {
                    killed.Add(action);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                failed.Add((action, e.Message));
            }
        }
        return new CleanupOutcome(done, failed);
    }

    private static async Task ApplyAsync(CleanupAction action, CancellationToken ct)
    {
        switch (action.Step)
        {
            case CleanupStep.KillCgroup:
                KillCgroup(action.Target);
                break;
            case CleanupStep.KillProcess:
                var pid = int.Parse(action.Target, CultureInfo.InvariantCulture);
                // The pid names the launcher only while its start time matches: a reused pid is someone else's.
                if (LinuxProcess.IsAlive(pid, action.StartTicks))
                {
                    LinuxProcess.Signal(pid, LinuxProcess.SIGKILL);
                }
                break;
            case CleanupStep.Unmount:
                // No following: a pod may have replaced a directory on the way with a symlink to a host path.
                if (Umount2(action.Target, MntDetach | UmountNoFollow) != 0 && Marshal.GetLastPInvokeError() is var errno && errno is not (EInval or ENoEnt))
                {
                    throw new IOException($"umount {action.Target}: {Marshal.GetPInvokeErrorMessage(errno)}");
                }
                break;
            case CleanupStep.DeleteNamespace:
                await IpAsync(["netns", "del", action.Target], !File.Exists(Path.Combine("/run/netns", action.Target)), ct);
                break;
            case CleanupStep.DeleteLink:
                await IpAsync(["link", "del", action.Target], !Directory.Exists(Path.Combine("/sys/class/net", action.Target)), ct);
                break;
            case CleanupStep.DeleteRule:
                await IpAsync(["rule", "del", .. action.Target.Split(' ')], false, ct);
                break;
            case CleanupStep.DeleteRoute:
                await IpAsync(["route", "del", .. action.Target.Split(' ')], false, ct);
                break;
            case CleanupStep.DeleteNftTable:
                var (code, _, errors) = await HostCommand.RunAsync("nft", ["delete", "table", .. action.Target.Split(' ')], ct);
                if (code != 0 && !errors.Contains("No such file", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"nft delete table {action.Target}: {errors.Trim()}");
                }
                break;
            case CleanupStep.RemoveCgroup:
                if (Directory.Exists(action.Target))
                {
                    // rmdir: cgroupfs refuses while a process or a child cgroup is inside.
                    Directory.Delete(action.Target);
                }
                break;
            case CleanupStep.RemoveDirectory:
                MountSafeDelete.Delete(action.Target);
                break;
            case CleanupStep.RemoveFile:
                File.Delete(action.Target);
                break;
        }
    }

    private static async Task IpAsync(IReadOnlyList<string> args, bool gone, CancellationToken ct)
    {
        if (gone)
        {
            return;
        }
        var (code, _, errors) = await HostCommand.RunAsync("ip", args, ct);
        // Gone already (another cleanup, or the kernel with the namespace) is what was wanted.
        if (code != 0 && !errors.Contains("No such", StringComparison.Ordinal) && !errors.Contains("Cannot find", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"ip {string.Join(' ', args)}: {errors.Trim()}");
        }
    }

    /// <summary>cgroup.kill where the directory has one (v2, the unified mount), else SIGKILL to each member.</summary>
    private static void KillCgroup(string directory)
    {
        var kill = Path.Combine(directory, "cgroup.kill");
        if (File.Exists(kill))
        {
            File.WriteAllText(kill, "1");
            return;
        }
        foreach (var pid in Members(directory))
        {
            LinuxProcess.Signal(pid, LinuxProcess.SIGKILL);
        }
    }

    private static List<int> Members(string directory)
    {
        try
        {
            return [.. File.ReadLines(Path.Combine(directory, "cgroup.procs"))
                .Select(l => int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0).Where(p => p > 0)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static async Task WaitGoneAsync(List<CleanupAction> killed, TimeProvider time, CancellationToken ct)
    {
        var start = time.GetTimestamp();
        while (killed.Any(Alive) && time.GetElapsedTime(start) < KillWait)
        {
            await Task.Delay(PollInterval, time, ct);
        }
    }

    private static bool Alive(CleanupAction action) => action.Step == CleanupStep.KillCgroup
        ? Members(action.Target).Count > 0
        : LinuxProcess.IsAlive(int.Parse(action.Target, CultureInfo.InvariantCulture), action.StartTicks);
}

/// <summary>What a cleanup did and what it could not do (with why).</summary>
public sealed record CleanupOutcome(IReadOnlyList<CleanupAction> Done, IReadOnlyList<(CleanupAction Action, string Reason)> Failed);
