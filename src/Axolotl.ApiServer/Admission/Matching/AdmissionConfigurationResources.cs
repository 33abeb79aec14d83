using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.Admission.Matching;

/// <summary>
/// Requests for these are never sent to webhooks nor judged by ValidatingAdmissionPolicies (upstream's
/// IsExemptAdmissionConfigurationResource): a broken webhook or policy must not be able to stop its own repair.
/// </summary>
public static class AdmissionConfigurationResources
{
    public static bool IsExempt(ResourceType type) => type.Group == KnownResources.AdmissionRegistrationGroup;
}
