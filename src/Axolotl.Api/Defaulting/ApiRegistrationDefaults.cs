using Axolotl.Api.ApiRegistration;

namespace Axolotl.Api.Defaulting;

/// <summary>apiregistration.k8s.io/v1 defaults: upstream's SetDefaults_ServiceReference (port 443).</summary>
public static class ApiRegistrationDefaults
{
    public static void Apply(APIService apiService)
    {
        ArgumentNullException.ThrowIfNull(apiService);
        if (apiService.Spec?.Service is { } service)
        {
            service.Port ??= 443;
        }
        if (apiService.Spec is { } spec)
        {
            // Upstream's fields are plain values with omitempty: false and "" are never written back.
            if (spec.InsecureSkipTLSVerify == false)
            {
                spec.InsecureSkipTLSVerify = null;
            }
            if (spec.Group == "")
            {
                spec.Group = null;
            }
            if (spec.Version == "")
            {
                spec.Version = null;
            }
        }
    }
}
