namespace Axolotl.Api.Storage;

/// <summary>
/// The local-path provisioner's conventions (k3s's rancher.io/local-path): a volume is a directory
/// "pvc-&lt;uid&gt;_&lt;namespace&gt;_&lt;claim&gt;" under the node's storage root, which the node's agent announces
/// on its Node object (see docs/adr/0008-local-path-volumes.md).
/// </summary>
public static class LocalPath
{
    public const string ClassName = "local-path";
    public const string Provisioner = "rancher.io/local-path";

    /// <summary>Set by the agent on its Node: the absolute directory its local-path volumes live under.</summary>
    public const string RootAnnotation = "storage.axolotl.io/local-path-root";

    /// <summary>k3s's provisioner records the node it made the directory on.</summary>
    public const string SelectedNodeAnnotation = "local.path.provisioner/selected-node";

    public static string VolumeName(string claimUid) => "pvc-" + claimUid;

    public static string DirectoryName(string volumeName, string ns, string claim) => $"{volumeName}_{ns}_{claim}";
}
