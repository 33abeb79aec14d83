using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;

namespace Axolotl.Api.Core;

/// <summary>core/v1 ResourceQuota.</summary>
[Description("Limits on the total resources and object counts that a namespace may use.")]
public sealed class ResourceQuota : KubeObject<ResourceQuotaSpec, ResourceQuotaStatus>
{
}

/// <summary>core/v1 ResourceQuotaSpec.</summary>
public sealed class ResourceQuotaSpec
{
    [Description("The hard limit for each named resource, such as requests.cpu, limits.memory or count/pods.")]
    public Dictionary<string, Quantity>? Hard { get; set; }

    [Description("Only objects matching all these scopes are counted, such as BestEffort or NotTerminating.")]
    public List<string>? Scopes { get; set; }

    [Description("A finer-grained scope filter.")]
    public ScopeSelector? ScopeSelector { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>core/v1 ResourceQuotaStatus.</summary>
public sealed class ResourceQuotaStatus
{
    [Description("The enforced hard limits.")]
    public Dictionary<string, Quantity>? Hard { get; set; }

    [Description("Current usage of each limited resource in the namespace.")]
    public Dictionary<string, Quantity>? Used { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Scope requirements, ANDed.</summary>
public sealed class ScopeSelector
{
    public List<ScopedResourceSelectorRequirement>? MatchExpressions { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A requirement on a quota scope; operator In, NotIn, Exists or DoesNotExist.</summary>
public sealed class ScopedResourceSelectorRequirement
{
    public string ScopeName { get; set => field = value ?? ""; } = "";

    public string Operator { get; set => field = value ?? ""; } = "";

    public List<string>? Values { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
