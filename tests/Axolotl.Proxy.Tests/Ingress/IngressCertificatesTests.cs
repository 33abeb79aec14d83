using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Axolotl.Api.Core;
using Axolotl.Api.Networking;
using Axolotl.Proxy.Ingress;
using static Axolotl.Proxy.Tests.Ingress.IngressObjects;

namespace Axolotl.Proxy.Tests.Ingress;

public sealed class IngressCertificatesTests
{
    private static readonly X509Certificate2 Fallback = SelfSignedCertificate.Create(TimeProvider.System);

    private static Secret TlsSecret(string name, string cn)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={cn}", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(Epoch, Epoch.AddYears(10));
        return new Secret
        {
            Metadata = new() { Name = name, Namespace = "default", ResourceVersion = "1" },
            Type = "kubernetes.io/tls",
            Data = new()
            {
                ["tls.crt"] = Encoding.UTF8.GetBytes(certificate.ExportCertificatePem()),
                ["tls.key"] = Encoding.UTF8.GetBytes(key.ExportPkcs8PrivateKeyPem()),
            },
        };
    }

    private static Api.Networking.Ingress WithTls(string name, int age, string secret, params string[] hosts)
    {
        var ingress = NewIngress(name, age);
        ingress.Spec!.Tls = [new IngressTLS { SecretName = secret, Hosts = [.. hosts] }];
        return ingress;
    }

    [Fact]
    public void Sni_picks_each_host_certificate_and_a_wildcard_for_one_label()
    {
        var secrets = new Dictionary<string, Secret> { ["a"] = TlsSecret("a", "a.example.com"), ["wild"] = TlsSecret("wild", "*.example.org") };

        var (certificates, problems) = IngressCertificatesBuilder.Build([WithTls("one", 0, "a", "a.example.com"), WithTls("two", 1, "wild", "*.example.org")],
            (_, name) => secrets.GetValueOrDefault(name), new TlsSecretReader(), Fallback);

        Assert.Empty(problems);
        Assert.Equal("CN=a.example.com", certificates.Select("A.example.com").Subject);
        Assert.Equal("CN=*.example.org", certificates.Select("x.example.org").Subject);
        Assert.Same(Fallback, certificates.Select("x.y.example.org"));
        Assert.Same(Fallback, certificates.Select(null));
    }

    [Fact]
    public void A_missing_or_malformed_secret_leaves_its_host_on_the_fallback_and_others_unaffected()
    {
        var broken = TlsSecret("broken", "b.example.com");
        broken.Data!["tls.key"] = Encoding.UTF8.GetBytes("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
        var secrets = new Dictionary<string, Secret> { ["good"] = TlsSecret("good", "good.example.com"), ["broken"] = broken };

        var (certificates, problems) = IngressCertificatesBuilder.Build(
            [WithTls("good", 0, "good", "good.example.com"), WithTls("bad", 1, "broken", "b.example.com"), WithTls("gone", 2, "missing", "m.example.com")],
            (_, name) => secrets.GetValueOrDefault(name), new TlsSecretReader(), Fallback);

        Assert.Equal("CN=good.example.com", certificates.Select("good.example.com").Subject);
        Assert.Same(Fallback, certificates.Select("b.example.com"));
        Assert.Same(Fallback, certificates.Select("m.example.com"));
        Assert.Equal(["bad", "gone"], problems.Select(p => p.Name));
        Assert.All(problems, p => Assert.Equal("InvalidTLSSecret", p.Reason));
        Assert.Contains("not found", problems[1].Message, StringComparison.Ordinal);
    }
}
