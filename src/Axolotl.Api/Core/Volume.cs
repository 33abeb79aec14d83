using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Core;

/// <summary>
/// A named volume of a pod with exactly one source. The common sources are modelled; the
/// cloud and network plugin sources are kept as raw JSON because Axolotl does not mount them,
/// but they are still known fields (strict field validation accepts them).
/// </summary>
[Description("A named volume that containers of the pod can mount. Exactly one source must be set.")]
public sealed class Volume
{
    [Description("Volume name, a DNS label unique within the pod; volumeMounts refer to it.")]
    public string Name { get; set => field = value ?? ""; } = "";

    [Description("A file or directory of the node mounted into the pod.")]
    public HostPathVolumeSource? HostPath { get; set; }

    [Description("A directory that starts empty and lives as long as the pod.")]
    public EmptyDirVolumeSource? EmptyDir { get; set; }

    public JsonElement? GcePersistentDisk { get; set; }

    public JsonElement? AwsElasticBlockStore { get; set; }

    public JsonElement? GitRepo { get; set; }

    [Description("The keys of a Secret as files.")]
    public SecretVolumeSource? Secret { get; set; }

    public JsonElement? Nfs { get; set; }

    public JsonElement? Iscsi { get; set; }

    public JsonElement? Glusterfs { get; set; }

    [Description("A PersistentVolumeClaim in the pod's namespace.")]
    public PersistentVolumeClaimVolumeSource? PersistentVolumeClaim { get; set; }

    public JsonElement? Rbd { get; set; }

    public JsonElement? FlexVolume { get; set; }

    public JsonElement? Cinder { get; set; }

    public JsonElement? Cephfs { get; set; }

    public JsonElement? Flocker { get; set; }

    [Description("Fields of the pod itself as files.")]
    public DownwardAPIVolumeSource? DownwardAPI { get; set; }

    public JsonElement? Fc { get; set; }

    public JsonElement? AzureFile { get; set; }

    [Description("The keys of a ConfigMap as files.")]
    public ConfigMapVolumeSource? ConfigMap { get; set; }

    public JsonElement? VsphereVolume { get; set; }

    public JsonElement? Quobyte { get; set; }

    public JsonElement? AzureDisk { get; set; }

    public JsonElement? PhotonPersistentDisk { get; set; }

    [Description("Several secrets, config maps, downward API items and service account tokens in one directory.")]
    public ProjectedVolumeSource? Projected { get; set; }

    public JsonElement? PortworxVolume { get; set; }

    public JsonElement? ScaleIO { get; set; }

    public JsonElement? Storageos { get; set; }

    public JsonElement? Csi { get; set; }

    public JsonElement? Ephemeral { get; set; }

    [Description("The contents of an OCI image or artifact, read-only.")]
    public ImageVolumeSource? Image { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }

    /// <summary>How many sources are set; validation requires exactly one.</summary>
    public int CountSources() =>
        new object?[]
        {
            HostPath, EmptyDir, GcePersistentDisk, AwsElasticBlockStore, GitRepo, Secret, Nfs, Iscsi, Glusterfs,
            PersistentVolumeClaim, Rbd, FlexVolume, Cinder, Cephfs, Flocker, DownwardAPI, Fc, AzureFile, ConfigMap,
            VsphereVolume, Quobyte, AzureDisk, PhotonPersistentDisk, Projected, PortworxVolume, ScaleIO, Storageos,
            Csi, Ephemeral, Image,
        }.Count(source => source is not null);
}
