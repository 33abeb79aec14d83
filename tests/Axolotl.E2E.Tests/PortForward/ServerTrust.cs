using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.PortForward;

/// <summary>Verifies the server's certificate against the CA in its kubeconfig, as kubectl does.</summary>
internal static partial class ServerTrust
{
    public static RemoteCertificateValidationCallback For(AxolotlServer server)
    {
        var match = CaLine().Match(File.ReadAllText(server.Kubeconfig));
        Assert.True(match.Success, "no certificate-authority-data in the kubeconfig");
        var ca = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(match.Groups["ca"].Value));
        return (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
            {
                return false;
            }
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
    }

    [GeneratedRegex(@"certificate-authority-data:[ \t]*(?<ca>\S+)")]
    private static partial Regex CaLine();
}
