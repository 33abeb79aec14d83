using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Core;

/// <summary>Where a pod volume appears inside a container.</summary>
public sealed class VolumeMount
{
    public string Name { get; set => field = value ?? ""; } = "";

    public bool? ReadOnly { get; set; }

    /// <summary>Disabled, IfPossible or Enabled.</summary>
    public string? RecursiveReadOnly { get; set; }

    public string MountPath { get; set => field = value ?? ""; } = "";

    public string? SubPath { get; set; }

    /// <summary>None, HostToContainer or Bidirectional.</summary>
    public string? MountPropagation { get; set; }

    public string? SubPathExpr { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A raw block device mapped into a container.</summary>
public sealed class VolumeDevice
{
    public string Name { get; set => field = value ?? ""; } = "";

    public string DevicePath { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>How an in-place resize of one resource is applied.</summary>
public sealed class ContainerResizePolicy
{
    public string ResourceName { get; set => field = value ?? ""; } = "";

    /// <summary>NotRequired or RestartContainer.</summary>
    public string RestartPolicy { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
