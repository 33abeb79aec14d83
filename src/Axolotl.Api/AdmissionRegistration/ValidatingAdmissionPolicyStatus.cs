using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Core;

namespace Axolotl.Api.AdmissionRegistration;

/// <summary>
/// admissionregistration.k8s.io/v1 ValidatingAdmissionPolicyStatus. Upstream's type-checking controller fills it;
/// this server has no typed checker and writes none, so it holds what clients write through the status subresource.
/// </summary>
public sealed class ValidatingAdmissionPolicyStatus
{
    public long? ObservedGeneration { get; set; }

    public TypeChecking? TypeChecking { get; set; }

    public List<Condition>? Conditions { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>admissionregistration.k8s.io/v1 TypeChecking: the warnings of the type check.</summary>
public sealed class TypeChecking
{
    public List<ExpressionWarning>? ExpressionWarnings { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>admissionregistration.k8s.io/v1 ExpressionWarning: where a type-check warning is and what it says.</summary>
public sealed class ExpressionWarning
{
    public string FieldRef { get; set => field = value ?? ""; } = "";

    public string Warning { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
