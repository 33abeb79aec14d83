namespace Axolotl.Agent.Volumes;

/// <summary>
/// A pod volume ready on the node: its directory (or a hostPath), and whether it is projected content
/// (configMap, secret, downwardAPI, projected). Projected content is what the agent writes from the
/// API: containers only read it (the kubelet mounts it read-only), it is rewritten while the pod runs,
/// and no missing subPath is made in it. emptyDir and hostPath are the pod's to write; a claim's
/// volume too, unless the pod mounts the claim readOnly.
/// </summary>
public sealed record MountedVolume(string Path, bool Projected, bool ReadOnly = false);

/// <summary>A volume of the pod cannot be set up (FailedMount); the message is the cause only.</summary>
public sealed class VolumeMountException(string volume, string message) : Exception(message)
{
    public string Volume { get; } = volume;

    /// <summary>The kubelet's FailedMount event text.</summary>
    public string EventMessage => $"MountVolume.SetUp failed for volume \"{Volume}\" : {Message}";
}
