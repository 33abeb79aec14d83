namespace Axolotl.Agent.Volumes;

/// <summary>
/// A pod volume ready on the node: its directory (or a hostPath), whether containers only read it
/// (configMap, secret, downwardAPI, projected: the kubelet mounts them read-only), and whether a
/// missing subPath may be made in it.
/// </summary>
public sealed record MountedVolume(string Path, bool ReadOnly, bool CreatesSubPaths);

/// <summary>A volume of the pod cannot be set up (FailedMount); the message is the cause only.</summary>
public sealed class VolumeMountException(string volume, string message) : Exception(message)
{
    public string Volume { get; } = volume;

    /// <summary>The kubelet's FailedMount event text.</summary>
    public string EventMessage => $"MountVolume.SetUp failed for volume \"{Volume}\" : {Message}";
}
