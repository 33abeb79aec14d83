using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.AdmissionRegistration;

/// <summary>admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy (cluster-scoped): CEL validations that accept or refuse a request, in force where a binding applies them.</summary>
[Description("CEL expressions that accept or refuse a request without changing it; a ValidatingAdmissionPolicyBinding puts them in force.")]
public sealed class ValidatingAdmissionPolicy : KubeObject<ValidatingAdmissionPolicySpec, ValidatingAdmissionPolicyStatus>
{
}
