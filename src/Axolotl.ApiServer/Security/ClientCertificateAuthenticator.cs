using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Axolotl.Api.Certificates;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// x509 client-certificate authentication: a certificate that chains to the cluster CA, is valid now
/// and allows client auth names the user (CN) and groups (O). Axolotl issues client certificates
/// only to nodes (kubernetes.io/kube-apiserver-client-kubelet), so only CN system:node:NAME with
/// O system:nodes authenticates; any other certificate is refused rather than trusted as some user.
/// </summary>
public sealed class ClientCertificateAuthenticator(X509Certificate2 clusterCa, TimeProvider clock)
{
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    public Principal? Authenticate(X509Certificate2? certificate)
    {
        if (certificate is null || !ChainsToCa(certificate))
        {
            return null;
        }
        var cn = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        var organizations = certificate.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(r => !r.HasMultipleElements && r.GetSingleElementType().Value == "2.5.4.10")
            .Select(r => r.GetSingleElementValue())
            .ToList();
        if (!cn.StartsWith(KubeletSigners.NodeUserPrefix, StringComparison.Ordinal) || !organizations.Contains(KubeletSigners.NodesGroup))
        {
            return null;
        }
        var node = cn[KubeletSigners.NodeUserPrefix.Length..];
        return Api.Validation.NameRules.DNS1123Subdomain(node).Count == 0 ? Principal.Node(node) : null;
    }

    private bool ChainsToCa(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(clusterCa);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuth);
        chain.ChainPolicy.VerificationTime = clock.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        try
        {
            return chain.Build(certificate);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
