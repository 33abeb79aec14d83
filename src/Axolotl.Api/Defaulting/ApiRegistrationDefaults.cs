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
        if (apiService.Spec is { InsecureSkipTLSVerify: false } spec)
        {
            // Upstream's field is a plain bool with omitempty: false is never written back.
            spec.InsecureSkipTLSVerify = null;
        }
    }
}
