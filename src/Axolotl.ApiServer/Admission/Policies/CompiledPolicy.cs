using Axolotl.Api.AdmissionRegistration;
using Axolotl.ApiServer.Admission.Matching;
using Axolotl.Cel;

namespace Axolotl.ApiServer.Admission.Policies;

/// <summary>
/// A ValidatingAdmissionPolicy with its expressions compiled once, when the cache took it in. An expression that no
/// longer compiles (the policy was stored by another version) makes <see cref="ConfigurationError"/>, which the
/// policy's failurePolicy then decides on for every request it matches, as upstream's hook.ConfigurationError.
/// </summary>
public sealed record CompiledPolicy(
    ValidatingAdmissionPolicy Policy,
    CompiledMatchConditions Conditions,
    IReadOnlyList<(string Name, CelProgram Program)> Variables,
    IReadOnlyList<CompiledValidation> Validations,
    string? ConfigurationError)
{
    public string Name => Policy.Metadata.Name ?? "";

    public ValidatingAdmissionPolicySpec Spec => Policy.Spec ?? new ValidatingAdmissionPolicySpec();

    /// <summary>Upstream's default: a failure the policy cannot judge refuses the request.</summary>
    public bool FailOpen => Spec.FailurePolicy == "Ignore";
}

/// <summary>One validation: its expression, and its messageExpression when it has one.</summary>
public sealed record CompiledValidation(Validation Validation, CelProgram Program, CelProgram? Message);
