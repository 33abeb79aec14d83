using Axolotl.Api.Certificates;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;

namespace Axolotl.Agent.Server;

/// <summary>
/// Whom the kubelet endpoint serves: a client certificate that chains to the cluster CA and allows
/// client auth authenticates its CN (401 otherwise, as the kubelet answers); of those, only the API
/// server's identity may use the endpoint (403 with the kubelet's wording otherwise). A node's own
/// client certificate is valid but not authorized, so no node can exec into another node's pods.
/// </summary>
public sealed class KubeletClientAuthorization(X509Certificate2 clientCa, string authorizedClient, TimeProvider clock)
{
    /// <summary>Null when allowed; else the status code and message to send.</summary>
    public (int Code, string Reason, string Message)? Check(HttpContext ctx)
    {
        var certificate = ctx.Connection.ClientCertificate;
        if (certificate is null || !CertificateChain.Verify(certificate, clientCa, CertificateChain.ClientAuth, clock.GetUtcNow()))
        {
            return (401, "Unauthorized", "Unauthorized");
        }
        var user = CertificateChain.CommonName(certificate.SubjectName) ?? "";
        if (user == authorizedClient)
        {
            return null;
        }
        var verb = HttpMethods.IsGet(ctx.Request.Method) || HttpMethods.IsHead(ctx.Request.Method) ? "get" : "create";
        return (403, "Forbidden", $"Forbidden (user={user}, verb={verb}, resource=nodes, subresource(s)=[proxy])");
    }
}
