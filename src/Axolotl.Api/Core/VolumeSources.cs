using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Resources;

namespace Axolotl.Api.Core;

/// <summary>A path on the node; type is "", DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice or BlockDevice.</summary>
public sealed class HostPathVolumeSource
{
    public string Path { get; set => field = value ?? ""; } = "";

    public string? Type { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Scratch space for the pod; medium "" (node disk) or Memory (tmpfs).</summary>
public sealed class EmptyDirVolumeSource
{
    public string? Medium { get; set; }

    public Quantity? SizeLimit { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A Secret's keys as files.</summary>
public sealed class SecretVolumeSource
{
    public string? SecretName { get; set; }

    public List<KeyToPath>? Items { get; set; }

    public int? DefaultMode { get; set; }

    public bool? Optional { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A ConfigMap's keys as files.</summary>
public sealed class ConfigMapVolumeSource
{
    public string? Name { get; set; }

    public List<KeyToPath>? Items { get; set; }

    public int? DefaultMode { get; set; }

    public bool? Optional { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Maps one key to a relative file path, with an optional file mode.</summary>
public sealed class KeyToPath
{
    public string Key { get; set => field = value ?? ""; } = "";

    public string Path { get; set => field = value ?? ""; } = "";

    public int? Mode { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Uses a PersistentVolumeClaim of the pod's namespace.</summary>
public sealed class PersistentVolumeClaimVolumeSource
{
    public string ClaimName { get; set => field = value ?? ""; } = "";

    public bool? ReadOnly { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Pod fields written as files.</summary>
public sealed class DownwardAPIVolumeSource
{
    public List<DownwardAPIVolumeFile>? Items { get; set; }

    public int? DefaultMode { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One downward API file: a pod field or a container resource.</summary>
public sealed class DownwardAPIVolumeFile
{
    public string Path { get; set => field = value ?? ""; } = "";

    public ObjectFieldSelector? FieldRef { get; set; }

    public ResourceFieldSelector? ResourceFieldRef { get; set; }

    public int? Mode { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Several sources projected into one directory.</summary>
public sealed class ProjectedVolumeSource
{
    public List<VolumeProjection>? Sources { get; set; }

    public int? DefaultMode { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One source of a projected volume; exactly one field is set.</summary>
public sealed class VolumeProjection
{
    public SecretProjection? Secret { get; set; }

    public DownwardAPIProjection? DownwardAPI { get; set; }

    public ConfigMapProjection? ConfigMap { get; set; }

    public ServiceAccountTokenProjection? ServiceAccountToken { get; set; }

    public ClusterTrustBundleProjection? ClusterTrustBundle { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A Secret's keys inside a projected volume.</summary>
public sealed class SecretProjection
{
    public string? Name { get; set; }

    public List<KeyToPath>? Items { get; set; }

    public bool? Optional { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A ConfigMap's keys inside a projected volume.</summary>
public sealed class ConfigMapProjection
{
    public string? Name { get; set; }

    public List<KeyToPath>? Items { get; set; }

    public bool? Optional { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Downward API files inside a projected volume.</summary>
public sealed class DownwardAPIProjection
{
    public List<DownwardAPIVolumeFile>? Items { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A service account token written to a file and refreshed before it expires.</summary>
public sealed class ServiceAccountTokenProjection
{
    public string? Audience { get; set; }

    public long? ExpirationSeconds { get; set; }

    public string Path { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Certificates from ClusterTrustBundle objects written to a file.</summary>
public sealed class ClusterTrustBundleProjection
{
    public string? Name { get; set; }

    public string? SignerName { get; set; }

    public LabelSelector? LabelSelector { get; set; }

    public bool? Optional { get; set; }

    public string Path { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>An OCI image mounted read-only as a volume.</summary>
public sealed class ImageVolumeSource
{
    public string? Reference { get; set; }

    public string? PullPolicy { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
