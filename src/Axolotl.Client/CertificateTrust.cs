using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Axolotl.Client;

/// <summary>Validates the server certificate against a CA given as PEM instead of the system store.</summary>
internal static class CertificateTrust
{
    public static RemoteCertificateValidationCallback ForCertificateAuthority(string pem)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPem(pem);
        if (roots.Count == 0)
        {
            throw new ArgumentException("the certificate authority PEM holds no certificate", nameof(pem));
        }

        return (_, certificate, chain, errors) =>
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }
            // A wrong host name or a missing certificate is never forgiven; only the chain is re-checked.
            if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
            {
                return false;
            }
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            custom.ChainPolicy.CustomTrustStore.AddRange(roots);
            if (chain is not null)
            {
                foreach (var element in chain.ChainElements)
                {
                    custom.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }
            var leaf = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
            return custom.Build(leaf);
        };
    }

    public static bool AcceptAny(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) => true;
}
