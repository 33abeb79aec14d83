using System.Text.Json.Nodes;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// The node's /dev/shm mounted at /dev/shm in bench containers (a hostPath volume): their own /dev/shm
/// is private to the image root, and the scenarios' stamp and marker files live in folders there, read
/// and written by the bench on the host.
/// </summary>
internal static class HostShm
{
    public const string Path = "/dev/shm";
    private const string VolumeName = "bench-shm";

    public static JsonObject Volume() => new() { ["name"] = VolumeName, ["hostPath"] = new JsonObject { ["path"] = Path, ["type"] = "Directory" } };

    public static JsonObject Mount() => new() { ["name"] = VolumeName, ["mountPath"] = Path };

    /// <summary>Adds the volume to a pod spec and its mount to every container of it.</summary>
    public static JsonObject AddTo(JsonObject podSpec)
    {
        podSpec["volumes"] = new JsonArray(Volume());
        foreach (var container in podSpec["containers"]?.AsArray() ?? [])
        {
            container!["volumeMounts"] = new JsonArray(Mount());
        }

        return podSpec;
    }
}
