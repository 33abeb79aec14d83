using Axolotl.Api.Meta;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Http;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// What a join token may do, after upstream's system:node-bootstrapper role plus discovery: create
/// CertificateSigningRequests and read them back (to wait for the certificate), and read discovery
/// and version. Which request it may create is checked by <see cref="Admission.CertificateRequestRestriction"/>.
/// </summary>
public static class BootstrapAuthorizer
{
    /// <summary>Null when allowed; otherwise the Forbidden Status (RBAC's wording).</summary>
    public static Status? Authorize(Principal principal, NodeAuthorizer.Attributes request)
    {
        if (request.Resource is not { } r)
        {
            return request.Verb == "get" ? null : NodeAuthorizer.Deny(principal, request, null, null);
        }
        var allowed = r is { Group: "certificates.k8s.io", Resource: "certificatesigningrequests", Subresource: null }
            && request.Verb is "create" or "get" or "list" or "watch";
        return allowed ? null : NodeAuthorizer.Deny(principal, request, r, null);
    }
}
