using System.Security.Cryptography.X509Certificates;
using Axolotl.Api.Certificates;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// x509 client-certificate authentication: a certificate that chains to the cluster CA, is valid now
/// and allows client auth names the user (CN) and groups (O), as kube-apiserver's x509 authenticator:
/// nodes (CN system:node:NAME, O system:nodes, from their CSRs), the in-process components and users
/// `axolotl kubeconfig --user` issued. A CN in the node namespace that is not a well-formed node
/// identity (no system:nodes, a bad node name) is refused, and so is an empty CN; so is a CN naming a node's
/// edge controllers (system:axolotl-ingress-controller:NAME) without exactly their group.
/// </summary>
public sealed class ClientCertificateAuthenticator(X509Certificate2 clusterCa, TimeProvider clock)
{
    private static readonly object CacheKey = new();

    /// <summary>
    /// As <see cref="Authenticate(X509Certificate2?)"/>, building the chain once per connection (a node's
    /// watches and writes share a few long-lived connections, and a connection's certificate never
    /// changes); only the expiry is checked again on each request.
    /// </summary>
    public Principal? Authenticate(X509Certificate2? certificate, IDictionary<object, object?>? connectionItems)
    {
        if (certificate is null)
        {
            return null;
        }
        if (connectionItems?.TryGetValue(CacheKey, out var cached) == true && cached is (X509Certificate2 seen, Principal known) && ReferenceEquals(seen, certificate))
        {
            return clock.GetUtcNow().UtcDateTime < certificate.NotAfter.ToUniversalTime() ? known : null;
        }
        var principal = Authenticate(certificate);
        if (principal is not null && connectionItems is not null)
        {
            connectionItems[CacheKey] = (certificate, principal);
        }
        return principal;
    }

    public Principal? Authenticate(X509Certificate2? certificate)
    {
        if (certificate is null || !CertificateChain.Verify(certificate, clusterCa, CertificateChain.ClientAuth, clock.GetUtcNow()))
        {
            return null;
        }
        var cn = CertificateChain.CommonName(certificate.SubjectName) ?? "";
        var organizations = CertificateChain.Organizations(certificate.SubjectName);
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        if (cn.StartsWith(IngressControllerIdentity.UserPrefix, StringComparison.Ordinal))
        {
            // Only the shape its signer issues: one node's edge controllers, in their group and no other.
            return organizations is [IngressControllerIdentity.Group] && IngressControllerIdentity.NodeOf(cn) is { } edgeNode && IsNodeName(edgeNode)
                ? Principal.FromUser(cn, [IngressControllerIdentity.Group, Principal.AuthenticatedGroup]) with { CredentialNotAfter = notAfter }
                : null;
        }
        if (!cn.StartsWith(KubeletSigners.NodeUserPrefix, StringComparison.Ordinal))
        {
            return cn.Length == 0 ? null : Principal.FromUser(cn, [.. organizations.Where(o => o != Principal.AuthenticatedGroup), Principal.AuthenticatedGroup]);
        }
        if (!organizations.Contains(KubeletSigners.NodesGroup))
        {
            return null;
        }
        var node = cn[KubeletSigners.NodeUserPrefix.Length..];
        return IsNodeName(node) ? Principal.Node(node) with { CredentialNotAfter = notAfter } : null;
    }

    private static bool IsNodeName(string name) => Api.Validation.NameRules.DNS1123Subdomain(name).Count == 0;
}
