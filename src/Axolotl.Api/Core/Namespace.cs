using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Core;

/// <summary>core/v1 Namespace.</summary>
[Description("A scope for names; most objects live in exactly one namespace.")]
public sealed class Namespace : KubeObject<NamespaceSpec, NamespaceStatus>
{
}

/// <summary>core/v1 NamespaceSpec.</summary>
public sealed class NamespaceSpec
{
    [Description("Finalizers that must be cleared before the namespace is removed; \"kubernetes\" empties its contents.")]
    public List<string>? Finalizers { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>core/v1 NamespaceStatus.</summary>
public sealed class NamespaceStatus
{
    [Description("Active or Terminating.")]
    public string? Phase { get; set; }

    [PatchMergeKey("type")]
    [PatchStrategy("merge")]
    public List<NamespaceCondition>? Conditions { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One namespace condition, reported while the namespace is being deleted.</summary>
public sealed class NamespaceCondition
{
    public string Type { get; set => field = value ?? ""; } = "";

    public string Status { get; set => field = value ?? ""; } = "";

    public DateTimeOffset? LastTransitionTime { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
