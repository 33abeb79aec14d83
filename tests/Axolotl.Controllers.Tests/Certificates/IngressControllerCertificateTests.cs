using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Axolotl.Api.Certificates;
using Axolotl.Controllers.Certificates;
using Axolotl.Testing;

namespace Axolotl.Controllers.Tests.Certificates;

/// <summary>A node's edge controllers' certificate: approved and signed only when that node itself asked for it.</summary>
public sealed class IngressControllerCertificateTests : IDisposable
{
    private static readonly DateTimeOffset Now = SigningCas.Now;
    private readonly SigningCas _cas = new();

    private CertificateSigningOptions Options => _cas.Options;

    public void Dispose() => _cas.Dispose();

    private static CertificateSigningRequest Edge(string node, string requester, string[] groups, string organization = IngressControllerIdentity.Group, int? seconds = 3600)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"O={organization}, CN={IngressControllerIdentity.UserPrefix}{node}", key, HashAlgorithmName.SHA256);
        return new CertificateSigningRequest
        {
            Metadata = new() { Name = "csr-edge" },
            Spec = new CertificateSigningRequestSpec
            {
                Request = Encoding.ASCII.GetBytes(request.CreateSigningRequestPem()),
                SignerName = IngressControllerIdentity.Signer,
                Usages = ["digital signature", "client auth"],
                Username = requester,
                Groups = [.. groups],
                ExpirationSeconds = seconds,
            },
        };
    }

    [Fact]
    public void Only_the_node_itself_gets_its_ingress_controller_certificate_approved()
    {
        Assert.Equal(CsrApprovalPolicy.IngressControllerMessage, CsrApprovalPolicy.Decide(Edge("worker-1", "system:node:worker-1", ["system:nodes"])));
        Assert.Null(CsrApprovalPolicy.Decide(Edge("worker-1", "system:node:worker-2", ["system:nodes"])));
        Assert.Null(CsrApprovalPolicy.Decide(Edge("worker-1", "system:bootstrap:abcdef", ["system:bootstrappers"])));
        Assert.Null(CsrApprovalPolicy.Decide(Edge("worker-1", "axolotl-admin", ["system:masters"])));
        Assert.Null(CsrApprovalPolicy.Decide(Edge("worker-1", "system:node:worker-1", ["system:nodes"], organization: "system:masters")));
    }

    [Fact]
    public void The_signer_refuses_a_request_another_user_made_even_when_approved()
    {
        var (pem, failure) = CertificateIssuer.Issue(Edge("worker-1", "axolotl-admin", ["system:masters"]), Options, Now);

        Assert.Null(pem);
        Assert.Equal("only node worker-1 may obtain the certificate of its ingress controller; this request was made by axolotl-admin", failure);
    }

    [Fact]
    public void The_nodes_own_request_is_signed_by_the_cluster_ca_for_the_lifetime_it_asked()
    {
        var (pem, failure) = CertificateIssuer.Issue(Edge("worker-1", "system:node:worker-1", ["system:nodes"], seconds: 3600), Options, Now);

        Assert.Null(failure);
        using var certificate = X509Certificate2.CreateFromPem(pem!);
        Assert.Equal(_cas.ClientCa.Ca.Subject, certificate.Issuer);
        Assert.Equal("system:axolotl-ingress-controller:worker-1", certificate.GetNameInfo(X509NameType.SimpleName, false));
        Assert.Equal(Now.AddHours(1).UtcDateTime, certificate.NotAfter.ToUniversalTime());
    }
}
