using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Core;

namespace Axolotl.Api.AdmissionRegistration;

/// <summary>
/// admissionregistration.k8s.io/v1 MatchResources: which requests a ValidatingAdmissionPolicy (matchConstraints) or
/// its binding (matchResources) applies to. A request matches when its namespace and object match the selectors, one
/// resourceRule covers it and no excludeResourceRule does.
/// </summary>
public sealed class MatchResources
{
    [Description("Only objects in namespaces whose labels match; {} (the default) matches every namespace.")]
    public LabelSelector? NamespaceSelector { get; set; }

    [Description("Only objects whose labels (old or new) match; {} (the default) matches every object.")]
    public LabelSelector? ObjectSelector { get; set; }

    [Description("The operations and resources matched. A policy needs at least one; a binding without any matches what its policy matches.")]
    public List<NamedRuleWithOperations>? ResourceRules { get; set; }

    [Description("Operations and resources left out even when a resourceRule covers them.")]
    public List<NamedRuleWithOperations>? ExcludeResourceRules { get; set; }

    [Description("Exact or Equivalent (the default): whether a request to another version of a matched resource matches too.")]
    public string? MatchPolicy { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>admissionregistration.k8s.io/v1 NamedRuleWithOperations: a rule that may also name the objects it covers.</summary>
public sealed class NamedRuleWithOperations : RuleWithOperations
{
    /// <summary>Only objects of these names; empty means every object.</summary>
    public List<string>? ResourceNames { get; set; }
}
