using System.Diagnostics;

namespace Axolotl.Runtime;

/// <summary>
/// The next attempt of a container, prepared while the current one runs: a launcher started with
/// --standby whose PID 1 has its namespaces, root and mounts and waits before joining the cgroups.
/// A restart with the same launch (<see cref="SameLaunch"/>) is then one "go" line; anything else
/// discards it. Its id and exit file become the attempt's if it is used.
/// </summary>
internal sealed class ContainerStandby
{
    private readonly Task<Process> _launch;

    private ContainerStandby(ContainerSpec spec, string id, string exitFile, Task<Process> launch)
    {
        Spec = spec;
        Id = id;
        ExitFile = exitFile;
        _launch = launch;
        Ready = WaitReadyAsync(launch);
    }

    public ContainerSpec Spec { get; }

    public string Id { get; }

    public string ExitFile { get; }

    /// <summary>The environment file its launcher was given; set before the launcher starts.</summary>
    public string? EnvironmentFile { get; set; }

    /// <summary>The standby's launcher; only once <see cref="Ready"/> said true.</summary>
    public Process Process => _launch.Result;

    /// <summary>True once the launcher said "standby"; false when it could not start or ended first.</summary>
    public Task<bool> Ready { get; }

    /// <summary>
    /// A standby whose launcher the caller starts (<see cref="Launch"/>) once it has registered it: a
    /// restart that comes before the standby is ready waits for it rather than racing it for its root.
    /// </summary>
    public static ContainerStandby Begin(ContainerSpec spec, string id, string exitFile, TaskCompletionSource<Process> launch) =>
        new(spec, id, exitFile, launch.Task);

    /// <summary>Starts the launcher, on the calling thread, into <paramref name="launch"/>.</summary>
    public static void Launch(TaskCompletionSource<Process> launch, Func<Process> start)
    {
        try
        {
            launch.SetResult(start());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            launch.SetException(e);
        }
    }

    private static async Task<bool> WaitReadyAsync(Task<Process> launch)
    {
        try
        {
            var process = await launch;
            return await process.StandardOutput.ReadLineAsync() == "standby";
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or System.ComponentModel.Win32Exception or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// <see cref="Go"/> before the launcher said "standby": written once its process exists, read by it
    /// as soon as its set-up is done. False when the launcher never started or is gone.
    /// </summary>
    public async Task<bool> GoEarlyAsync()
    {
        try
        {
            await _launch;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception or UnauthorizedAccessException)
        {
            return false;
        }
        return Go();
    }

    /// <summary>Ends the launcher at once (its PID 1 and the attempt's pid namespace die with it).</summary>
    public void Kill()
    {
        try
        {
            if (_launch.IsCompletedSuccessfully)
            {
                _launch.Result.Kill(entireProcessTree: false);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    /// <summary>Lets the prepared attempt run; false when the launcher is no longer there to hear it.</summary>
    public bool Go()
    {
        try
        {
            Process.StandardInput.Write("go\n");
            Process.StandardInput.Flush();
            Process.StandardInput.Dispose();
            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// Ends the standby and waits until its launcher is gone, so that its root's overlay (on the same
    /// writable layer a cold start of this attempt uses) is unmounted; then removes what it left.
    /// </summary>
    public async Task DiscardAsync(TimeSpan timeout, TimeProvider time)
    {
        Process process;
        try
        {
            process = await _launch;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception or UnauthorizedAccessException)
        {
            // It never started: only what was written for it may be left.
            File.Delete(ExitFile);
            File.Delete(ExitFile + ".err");
            return;
        }

        try
        {
            process.StandardInput.Dispose();
        }
        catch (IOException)
        {
            // Already gone: the launcher saw the end of its stdin anyway.
        }

        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout, time);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: false);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        File.Delete(ExitFile);
        File.Delete(ExitFile + ".err");
    }

    /// <summary>Whether two specs start the very same process in the very same root (a restart's env may have changed: then not).</summary>
    public static bool SameLaunch(ContainerSpec a, ContainerSpec b) =>
        a.PodUid == b.PodUid && a.Name == b.Name && a.WorkingDirectory == b.WorkingDirectory && a.LogPath == b.LogPath
        && a.MemoryLimitBytes == b.MemoryLimitBytes && a.CpuLimitMillicores == b.CpuLimitMillicores
        && a.CpuRequestMillicores == b.CpuRequestMillicores && a.PidsMax == b.PidsMax
        && a.Command.SequenceEqual(b.Command, StringComparer.Ordinal)
        && a.Environment.Count == b.Environment.Count
        && a.Environment.All(p => b.Environment.TryGetValue(p.Key, out var v) && v == p.Value)
        && a.Mounts.SequenceEqual(b.Mounts)
        && SameRoot(a.Rootfs, b.Rootfs)
        && SameUser(a.User, b.User)
        && Security.ContainerSecurity.Same(a.Security, b.Security)
        && a.Seccomp == b.Seccomp;

    private static bool SameRoot(ContainerRootfs? a, ContainerRootfs? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.Upper == b.Upper && a.Work == b.Work && a.Mountpoint == b.Mountpoint && a.Lowers.SequenceEqual(b.Lowers, StringComparer.Ordinal);

    private static bool SameUser(ContainerUser? a, ContainerUser? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.Uid == b.Uid && a.Gid == b.Gid && a.SupplementaryGroups.SequenceEqual(b.SupplementaryGroups);
}
