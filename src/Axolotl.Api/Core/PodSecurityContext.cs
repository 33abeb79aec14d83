using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Core;

/// <summary>Pod-level security settings, applied to every container unless the container overrides them.</summary>
[Description("Security options shared by all containers of a pod.")]
public sealed class PodSecurityContext
{
    public SELinuxOptions? SeLinuxOptions { get; set; }

    public WindowsSecurityContextOptions? WindowsOptions { get; set; }

    public long? RunAsUser { get; set; }

    public long? RunAsGroup { get; set; }

    public bool? RunAsNonRoot { get; set; }

    public List<long>? SupplementalGroups { get; set; }

    /// <summary>Merge or Strict.</summary>
    public string? SupplementalGroupsPolicy { get; set; }

    public long? FsGroup { get; set; }

    public List<Sysctl>? Sysctls { get; set; }

    /// <summary>OnRootMismatch or Always.</summary>
    public string? FsGroupChangePolicy { get; set; }

    public SeccompProfile? SeccompProfile { get; set; }

    public AppArmorProfile? AppArmorProfile { get; set; }

    /// <summary>MountOption or Recursive.</summary>
    public string? SeLinuxChangePolicy { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A namespaced kernel parameter to set for the pod.</summary>
public sealed class Sysctl
{
    public string Name { get; set => field = value ?? ""; } = "";

    public string Value { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
