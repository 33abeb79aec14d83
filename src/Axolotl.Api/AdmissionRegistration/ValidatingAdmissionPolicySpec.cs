using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.AdmissionRegistration;

/// <summary>admissionregistration.k8s.io/v1 ValidatingAdmissionPolicySpec.</summary>
public sealed class ValidatingAdmissionPolicySpec
{
    [Description("The kind of the objects bindings pass as params (apiVersion and kind); none means the policy takes no params.")]
    public ParamKind? ParamKind { get; set; }

    [Description("The requests the policy can apply to; a binding narrows them further. Required.")]
    public MatchResources? MatchConstraints { get; set; }

    [Description("CEL expressions over object, oldObject, request, params, namespaceObject and variables; a request that makes one false is refused (or warned about) with its message.")]
    public List<Validation>? Validations { get; set; }

    [Description("Fail (the default) or Ignore: what happens when an expression cannot be evaluated or the policy or binding is misconfigured.")]
    public string? FailurePolicy { get; set; }

    [Description("Not supported here: this server keeps no audit log.")]
    public List<AuditAnnotation>? AuditAnnotations { get; set; }

    [Description("CEL conditions a request must meet for the validations to run; at most 64. Any false: the policy is skipped.")]
    public List<MatchCondition>? MatchConditions { get; set; }

    [Description("Named CEL expressions, read as variables.<name> by later variables and by validations; each is evaluated at most once per request, when first read.")]
    public List<Variable>? Variables { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>admissionregistration.k8s.io/v1 ParamKind: the apiVersion and kind of a policy's params.</summary>
public sealed class ParamKind
{
    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>admissionregistration.k8s.io/v1 Validation: a CEL expression that must be true, and what to say when it is not.</summary>
public sealed class Validation
{
    public string Expression { get; set => field = value ?? ""; } = "";

    public string? Message { get; set; }

    /// <summary>Unauthorized, Forbidden, Invalid (the default) or RequestEntityTooLarge: the refusal's reason and HTTP code.</summary>
    public string? Reason { get; set; }

    public string? MessageExpression { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>admissionregistration.k8s.io/v1 AuditAnnotation: a key and a CEL expression for its value.</summary>
public sealed class AuditAnnotation
{
    public string Key { get; set => field = value ?? ""; } = "";

    public string ValueExpression { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>admissionregistration.k8s.io/v1 Variable: a named CEL expression, read as variables.&lt;name&gt;.</summary>
public sealed class Variable
{
    public string Name { get; set => field = value ?? ""; } = "";

    public string Expression { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
