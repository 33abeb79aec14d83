namespace Axolotl.Agent.Cleanup;

/// <summary>The kinds of step a cleanup takes, in the order they must run: processes die before their mounts go, mounts before directories.</summary>
public enum CleanupStep
{
    /// <summary>Kill every process of a cgroup directory (cgroup.kill, else SIGKILL per member).</summary>
    KillCgroup,

    /// <summary>SIGKILL a recorded launcher, when the pid still names the process with the recorded start time.</summary>
    KillProcess,

    /// <summary>Detach a mount without following a symlink at its path.</summary>
    Unmount,

    DeleteNamespace,
    DeleteLink,
    DeleteRule,
    DeleteRoute,
    DeleteNftTable,

    /// <summary>rmdir one cgroup directory (children first).</summary>
    RemoveCgroup,

    /// <summary>Remove a state directory, never crossing into a mount.</summary>
    RemoveDirectory,

    RemoveFile,
}

/// <summary>One step of a cleanup; <see cref="StartTicks"/> pins a <see cref="CleanupStep.KillProcess"/> to one process.</summary>
public sealed record CleanupAction(CleanupStep Step, string Target)
{
    public long StartTicks { get; init; }

    public override string ToString() => Step switch
    {
        CleanupStep.KillCgroup => $"kill the processes of cgroup {Target}",
        CleanupStep.KillProcess => $"kill launcher pid {Target}",
        CleanupStep.Unmount => $"unmount {Target}",
        CleanupStep.DeleteNamespace => $"delete network namespace {Target}",
        CleanupStep.DeleteLink => $"delete link {Target}",
        CleanupStep.DeleteRule => $"delete ip rule {Target}",
        CleanupStep.DeleteRoute => $"delete route {Target}",
        CleanupStep.DeleteNftTable => $"delete nftables table {Target}",
        CleanupStep.RemoveCgroup => $"remove cgroup {Target}",
        CleanupStep.RemoveDirectory => $"remove {Target}",
        _ => $"remove {Target}",
    };
}
