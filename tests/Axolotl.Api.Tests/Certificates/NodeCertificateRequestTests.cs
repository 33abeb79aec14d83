using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Axolotl.Api.Certificates;

namespace Axolotl.Api.Tests.Certificates;

public sealed class NodeCertificateRequestTests
{
    private static readonly string[] ClientUsages = ["digital signature", "client auth"];
    private static readonly string[] ServingUsages = ["digital signature", "key encipherment", "server auth"];

    private static NodeCertificateRequest Parse(string subject, Action<SubjectAlternativeNameBuilder>? san = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        if (san is not null)
        {
            var builder = new SubjectAlternativeNameBuilder();
            san(builder);
            request.CertificateExtensions.Add(builder.Build());
        }
        var parsed = NodeCertificateRequest.TryParse(Encoding.ASCII.GetBytes(request.CreateSigningRequestPem()), out var problem);
        Assert.Null(problem);
        return parsed!;
    }

    [Fact]
    public void A_node_client_request_names_the_node_and_passes_the_client_rules()
    {
        var request = Parse("O=system:nodes, CN=system:node:worker-1");

        Assert.Equal("worker-1", request.NodeName);
        Assert.Null(request.CheckClient(ClientUsages));
        Assert.Equal("DNS or IP subjectAltName is required", request.CheckServing(ServingUsages));
        Assert.Equal("usages did not match [digital signature key encipherment client auth]", request.CheckClient(["digital signature", "client auth", "server auth"]));
        Assert.NotNull(request.CheckClient(["client auth"]));
    }

    [Fact]
    public void Subjects_that_are_not_a_node_are_refused()
    {
        Assert.Equal("subject organization is not system:nodes", Parse("O=system:masters, CN=system:node:worker-1").CheckClient(ClientUsages));
        Assert.Equal("subject organization is not system:nodes", Parse("CN=system:node:worker-1").CheckClient(ClientUsages));
        Assert.Equal("subject common name does not begin with system:node:", Parse("O=system:nodes, CN=admin").CheckClient(ClientUsages));
        Assert.Null(Parse("O=system:nodes, CN=admin").NodeName);
    }

    [Fact]
    public void Serving_requests_need_an_address_and_client_requests_may_not_have_one()
    {
        var serving = Parse("O=system:nodes, CN=system:node:worker-1", san => { san.AddDnsName("worker-1"); san.AddIpAddress(IPAddress.Parse("10.0.0.7")); });

        Assert.Null(serving.CheckServing(ServingUsages));
        Assert.Equal(["worker-1"], serving.DnsNames);
        Assert.Equal([IPAddress.Parse("10.0.0.7")], serving.IpAddresses);
        Assert.Equal("DNS subjectAltNames are not allowed", serving.CheckClient(ClientUsages));
        Assert.Equal("IP subjectAltNames are not allowed", Parse("O=system:nodes, CN=system:node:w", san => san.AddIpAddress(IPAddress.Loopback)).CheckClient(ClientUsages));
        var email = Parse("O=system:nodes, CN=system:node:w", san => { san.AddDnsName("w"); san.AddEmailAddress("root@example.test"); });
        Assert.True(email.HasOtherNames);
        Assert.Equal("Email and URI subjectAltNames are not allowed", email.CheckServing(ServingUsages));
    }

    [Fact]
    public void Garbage_is_not_a_request()
    {
        Assert.Null(NodeCertificateRequest.TryParse(Encoding.ASCII.GetBytes("hello"), out var problem));
        Assert.Equal("PEM block type must be CERTIFICATE REQUEST", problem);
        Assert.Null(NodeCertificateRequest.TryParse(null, out _));
    }
}
