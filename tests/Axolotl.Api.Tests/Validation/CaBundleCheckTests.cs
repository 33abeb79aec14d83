using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Axolotl.Api.Validation;

namespace Axolotl.Api.Tests.Validation;

public sealed class CaBundleCheckTests
{
    private static string CaPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = new CertificateRequest("CN=ca", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        return ca.ExportCertificatePem();
    }

    private static string? Problem(string text) => CaBundleCheck.Problem(Encoding.ASCII.GetBytes(text));

    [Fact]
    public void PEM_certificates_and_an_empty_bundle_are_usable()
    {
        Assert.Null(CaBundleCheck.Problem(null));
        Assert.Null(CaBundleCheck.Problem([]));
        Assert.Null(Problem(CaPem()));
        Assert.Null(Problem("a comment before it\n" + CaPem() + "\n" + CaPem() + "\n"));
        // One usable certificate is enough, as Go's AppendCertsFromPEM.
        Assert.Null(Problem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" + CaPem()));
    }

    [Theory]
    [InlineData("foo", "unable to load root certificates: unable to parse bytes as PEM block")]
    [InlineData("\n", "unable to load root certificates: unable to parse bytes as PEM block")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "unable to load root certificates: no valid certificate authority data seen")]
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "unable to load root certificates: failed to parse certificate: x509: malformed certificate")]
    public void Anything_else_gets_client_gos_reason(string bundle, string problem) =>
        Assert.Equal(problem, Problem(bundle));
}
