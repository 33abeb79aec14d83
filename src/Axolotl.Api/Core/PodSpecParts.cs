using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Core;

/// <summary>An extra /etc/hosts entry for the pod.</summary>
public sealed class HostAlias
{
    public string Ip { get; set => field = value ?? ""; } = "";

    public List<string>? Hostnames { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>DNS settings merged into the pod's resolv.conf.</summary>
public sealed class PodDNSConfig
{
    public List<string>? Nameservers { get; set; }

    public List<string>? Searches { get; set; }

    public List<PodDNSConfigOption>? Options { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One resolv.conf option.</summary>
public sealed class PodDNSConfigOption
{
    public string? Name { get; set; }

    public string? Value { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>An extra pod condition that must be True for the pod to be Ready.</summary>
public sealed class PodReadinessGate
{
    public string ConditionType { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>How evenly matching pods must spread across a topology domain.</summary>
public sealed class TopologySpreadConstraint
{
    public int MaxSkew { get; set; }

    public string TopologyKey { get; set => field = value ?? ""; } = "";

    /// <summary>DoNotSchedule or ScheduleAnyway.</summary>
    public string WhenUnsatisfiable { get; set => field = value ?? ""; } = "";

    public LabelSelector? LabelSelector { get; set; }

    public int? MinDomains { get; set; }

    /// <summary>Honor or Ignore.</summary>
    public string? NodeAffinityPolicy { get; set; }

    /// <summary>Honor or Ignore.</summary>
    public string? NodeTaintsPolicy { get; set; }

    public List<string>? MatchLabelKeys { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>The operating system the pod's containers need: linux or windows.</summary>
public sealed class PodOS
{
    public string Name { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>While any gate is present the pod is not scheduled.</summary>
public sealed class PodSchedulingGate
{
    public string Name { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A dynamic resource claim of the pod, by claim or by claim template.</summary>
public sealed class PodResourceClaim
{
    public string Name { get; set => field = value ?? ""; } = "";

    public string? ResourceClaimName { get; set; }

    public string? ResourceClaimTemplateName { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
