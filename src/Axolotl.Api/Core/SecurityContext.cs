using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Core;

/// <summary>Container-level security settings; they override the pod's where both are set.</summary>
[Description("Security options for one container, overriding the pod-level settings.")]
public sealed class SecurityContext
{
    public Capabilities? Capabilities { get; set; }

    public bool? Privileged { get; set; }

    public SELinuxOptions? SeLinuxOptions { get; set; }

    public WindowsSecurityContextOptions? WindowsOptions { get; set; }

    public long? RunAsUser { get; set; }

    public long? RunAsGroup { get; set; }

    public bool? RunAsNonRoot { get; set; }

    public bool? ReadOnlyRootFilesystem { get; set; }

    public bool? AllowPrivilegeEscalation { get; set; }

    /// <summary>Default or Unmasked.</summary>
    public string? ProcMount { get; set; }

    public SeccompProfile? SeccompProfile { get; set; }

    public AppArmorProfile? AppArmorProfile { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Linux capabilities to add to or drop from the container's default set.</summary>
public sealed class Capabilities
{
    public List<string>? Add { get; set; }

    public List<string>? Drop { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>An SELinux label.</summary>
public sealed class SELinuxOptions
{
    public string? User { get; set; }

    public string? Role { get; set; }

    public string? Type { get; set; }

    public string? Level { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Windows-specific options (kept for wire compatibility; Axolotl runs Linux workloads).</summary>
public sealed class WindowsSecurityContextOptions
{
    public string? GmsaCredentialSpecName { get; set; }

    public string? GmsaCredentialSpec { get; set; }

    public string? RunAsUserName { get; set; }

    public bool? HostProcess { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>The seccomp profile: RuntimeDefault, Unconfined or Localhost with a profile path.</summary>
public sealed class SeccompProfile
{
    public string Type { get; set => field = value ?? ""; } = "";

    public string? LocalhostProfile { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>The AppArmor profile: RuntimeDefault, Unconfined or Localhost with a profile name.</summary>
public sealed class AppArmorProfile
{
    public string Type { get; set => field = value ?? ""; } = "";

    public string? LocalhostProfile { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
