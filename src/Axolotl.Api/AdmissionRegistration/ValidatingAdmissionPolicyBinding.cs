using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Api.AdmissionRegistration;

/// <summary>admissionregistration.k8s.io/v1 ValidatingAdmissionPolicyBinding (cluster-scoped): puts a policy in force for some requests, with params.</summary>
[Description("Puts a ValidatingAdmissionPolicy in force for the requests it matches, with the params it names and the actions a failed validation takes.")]
public sealed class ValidatingAdmissionPolicyBinding : KubeObject
{
    public ValidatingAdmissionPolicyBindingSpec? Spec { get; set; }
}

/// <summary>admissionregistration.k8s.io/v1 ValidatingAdmissionPolicyBindingSpec.</summary>
public sealed class ValidatingAdmissionPolicyBindingSpec
{
    [Description("The ValidatingAdmissionPolicy this binding puts in force.")]
    public string? PolicyName { get; set; }

    [Description("The params: one object by name, or every object a selector matches (each is evaluated), and what to do when there are none.")]
    public ParamRef? ParamRef { get; set; }

    [Description("Narrows the requests the policy's matchConstraints match; none means all of them.")]
    public MatchResources? MatchResources { get; set; }

    [Description("Deny and/or Warn: what a failed validation does. Required; Deny and Warn not together. Audit is not supported here (no audit log).")]
    public List<string>? ValidationActions { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>admissionregistration.k8s.io/v1 ParamRef.</summary>
public sealed class ParamRef
{
    public string? Name { get; set; }

    /// <summary>For a namespaced paramKind: where the params are; empty means the request's namespace.</summary>
    public string? Namespace { get; set; }

    public LabelSelector? Selector { get; set; }

    /// <summary>Allow or Deny: what happens when no params are found. Required.</summary>
    public string? ParameterNotFoundAction { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
