using System.Text.Json;

namespace Axolotl.Runtime;

/// <summary>
/// What the runtime persists per container (pods/&lt;uid&gt;/&lt;id&gt;.json in the state directory) so that a
/// later runtime instance can re-attach: the recorder's pid and start time (the native launcher, or
/// the shell chain's outer shell), the cgroup path, the OOM counter before start, and the exit file
/// the recorder writes. Public for the agent's host cleanup (Agent/Cleanup), which reads what a crashed
/// node left to find its containers' launchers.
/// </summary>
public sealed record ContainerState(
    string Id,
    string PodUid,
    string Name,
    int Pid,
    long StartTicks,
    DateTimeOffset StartedAt,
    string LogPath,
    string? CgroupPath,
    long OomBaseline,
    string ExitFile)
{
    /// <summary>The container's seccomp filter: exec's (kubectl exec, exec probes) run under it too, as with runc exec.</summary>
    public Seccomp.SeccompProgram? Seccomp { get; init; }

    /// <summary>The container's environment file (<see cref="ContainerEnvironment"/>): exec's commands get it; null from agents before it.</summary>
    public string? EnvironmentFile { get; init; }

    public static string PathFor(string stateDirectory, string podUid, string id) =>
        System.IO.Path.Combine(stateDirectory, "pods", podUid, "containers", id + ".json");

    public void Save(string stateDirectory)
    {
        var path = PathFor(stateDirectory, PodUid, Id);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(this));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    public static ContainerState? Load(string stateDirectory, string podUid, string id)
    {
        var path = PathFor(stateDirectory, podUid, id);
        try
        {
            return JsonSerializer.Deserialize<ContainerState>(File.ReadAllText(path));
        }
        catch (IOException)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public ContainerHandle ToHandle() => new(Id, PodUid, Name, Pid, StartedAt, LogPath);

    /// <summary>The recorded exit status, or null while the recorder has not written it.</summary>
    public int? ReadExitCode()
    {
        try
        {
            return int.TryParse(File.ReadAllText(ExitFile).Trim(), out var code) ? code : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Why the launcher (not the application) failed, when it did.</summary>
    public string? ReadLaunchError()
    {
        try
        {
            return File.ReadAllText(ExitFile + ".err").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
