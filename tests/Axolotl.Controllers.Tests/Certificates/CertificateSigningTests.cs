using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Axolotl.Api.Certificates;
using Axolotl.Controllers.Certificates;
using Axolotl.Testing;

namespace Axolotl.Controllers.Tests.Certificates;

public sealed class CertificateSigningTests : IDisposable
{
    private static readonly DateTimeOffset Now = SigningCas.Now;
    private readonly SigningCas _cas = new();

    private CertificateSigningOptions Options => _cas.Options;

    public void Dispose() => _cas.Dispose();

    private static CertificateSigningRequest Csr(string signer, string subject, string user, string[] groups, string[] usages, bool withAddress = false, int? seconds = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        if (withAddress)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName("worker-1");
            san.AddIpAddress(IPAddress.Parse("10.0.0.7"));
            request.CertificateExtensions.Add(san.Build());
        }
        return new CertificateSigningRequest
        {
            Metadata = new() { Name = "csr-1" },
            Spec = new CertificateSigningRequestSpec
            {
                Request = Encoding.ASCII.GetBytes(request.CreateSigningRequestPem()),
                SignerName = signer,
                Usages = [.. usages],
                Username = user,
                Groups = [.. groups],
                ExpirationSeconds = seconds,
            },
        };
    }

    private static CertificateSigningRequest NodeClient(string user, params string[] groups) =>
        Csr(KubeletSigners.Client, "O=system:nodes, CN=system:node:worker-1", user, groups, ["digital signature", "client auth"]);

    [Fact]
    public void Client_certificates_are_approved_for_a_join_token_or_the_node_itself_only()
    {
        Assert.Equal(CsrApprovalPolicy.ClientMessage, CsrApprovalPolicy.Decide(NodeClient("system:bootstrap:abcdef", "system:bootstrappers", "system:authenticated")));
        Assert.Equal(CsrApprovalPolicy.ClientMessage, CsrApprovalPolicy.Decide(NodeClient("system:node:worker-1", "system:nodes")));
        Assert.Null(CsrApprovalPolicy.Decide(NodeClient("system:node:worker-2", "system:nodes")));
        Assert.Null(CsrApprovalPolicy.Decide(NodeClient("alice", "developers")));
        Assert.Null(CsrApprovalPolicy.Decide(Csr(KubeletSigners.Client, "O=system:masters, CN=system:node:worker-1", "system:bootstrap:abcdef", ["system:bootstrappers"], ["digital signature", "client auth"])));
    }

    [Fact]
    public void Serving_certificates_are_approved_only_for_the_node_itself()
    {
        var own = Csr(KubeletSigners.Serving, "O=system:nodes, CN=system:node:worker-1", "system:node:worker-1", ["system:nodes"], ["digital signature", "server auth"], withAddress: true);
        var bootstrap = Csr(KubeletSigners.Serving, "O=system:nodes, CN=system:node:worker-1", "system:bootstrap:abcdef", ["system:bootstrappers"], ["digital signature", "server auth"], withAddress: true);

        Assert.Equal(CsrApprovalPolicy.ServingMessage, CsrApprovalPolicy.Decide(own));
        Assert.Null(CsrApprovalPolicy.Decide(bootstrap));
    }

    [Fact]
    public void A_decided_request_is_not_decided_again()
    {
        var denied = NodeClient("system:node:worker-1", "system:nodes");
        denied.Status = new CertificateSigningRequestStatus { Conditions = [new CertificateSigningRequestCondition { Type = "Denied", Status = "True" }] };

        Assert.Null(CsrApprovalPolicy.Decide(denied));
        Assert.False(CsrApprovalPolicy.IsApproved(denied));
    }

    [Fact]
    public void A_client_certificate_is_signed_by_the_cluster_ca_for_client_auth_with_the_requested_lifetime()
    {
        var (pem, failure) = CertificateIssuer.Issue(Csr(KubeletSigners.Client, "O=system:nodes, CN=system:node:worker-1", "u", [], ["digital signature", "client auth"], seconds: 3600), Options, Now);

        Assert.Null(failure);
        using var issued = X509Certificate2.CreateFromPem(pem);
        Assert.Equal("system:node:worker-1", issued.GetNameInfo(X509NameType.SimpleName, false));
        Assert.Contains("O=system:nodes", issued.Subject, StringComparison.Ordinal);
        Assert.Equal(_cas.ClientCa.Ca.Subject, issued.Issuer);
        Assert.Equal(Now.AddHours(1).UtcDateTime, issued.NotAfter.ToUniversalTime());
        Assert.Equal(Now.AddMinutes(-5).UtcDateTime, issued.NotBefore.ToUniversalTime());
        var usage = Assert.Single(issued.Extensions.OfType<X509EnhancedKeyUsageExtension>());
        Assert.Equal("1.3.6.1.5.5.7.3.2", Assert.Single(usage.EnhancedKeyUsages.Cast<Oid>()).Value);
        Assert.Empty(issued.Extensions.OfType<X509SubjectAlternativeNameExtension>());
    }

    [Fact]
    public void A_serving_certificate_is_signed_by_the_kubelet_ca_with_the_requested_names()
    {
        var (pem, failure) = CertificateIssuer.Issue(Csr(KubeletSigners.Serving, "O=system:nodes, CN=system:node:worker-1", "u", [], ["digital signature", "server auth"], withAddress: true), Options, Now);

        Assert.Null(failure);
        using var issued = X509Certificate2.CreateFromPem(pem);
        Assert.Equal(_cas.ServingCa.Ca.Subject, issued.Issuer);
        Assert.Equal(Now.AddDays(365).UtcDateTime, issued.NotAfter.ToUniversalTime());
        var san = Assert.Single(issued.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Equal(["worker-1"], san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Parse("10.0.0.7")], san.EnumerateIPAddresses());
    }

    [Fact]
    public void A_request_the_signer_does_not_accept_fails_with_the_reason()
    {
        var (pem, failure) = CertificateIssuer.Issue(Csr(KubeletSigners.Serving, "O=system:nodes, CN=system:node:worker-1", "u", [], ["digital signature", "server auth"]), Options, Now);

        Assert.Null(pem);
        Assert.Equal("DNS or IP subjectAltName is required", failure);
    }

    [Fact]
    public void Decided_requests_are_kept_an_hour_and_pending_ones_a_day()
    {
        var pending = NodeClient("alice", "developers");
        pending.Metadata.CreationTimestamp = Now;
        var issued = NodeClient("system:node:worker-1", "system:nodes");
        issued.Metadata.CreationTimestamp = Now;
        issued.Status = new CertificateSigningRequestStatus { Certificate = [1] };
        var denied = NodeClient("system:node:worker-1", "system:nodes");
        denied.Metadata.CreationTimestamp = Now;
        denied.Status = new CertificateSigningRequestStatus { Conditions = [new CertificateSigningRequestCondition { Type = "Denied" }] };

        Assert.Equal(Now.AddHours(24), CsrRetention.ExpiresAt(pending));
        Assert.Equal(Now.AddHours(1), CsrRetention.ExpiresAt(issued));
        Assert.Equal(Now.AddHours(1), CsrRetention.ExpiresAt(denied));
    }
}
