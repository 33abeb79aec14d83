using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests;

/// <summary>certificates.k8s.io/v1 CertificateSigningRequests through kubectl: create, get, approve, deny, validation.</summary>
[Collection(SharedServerCCollection.Name)]
public sealed class CertificateSigningRequestTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static string RequestPem(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
    }

    private static string Manifest(string name, string request, string signer = "example.com/test", string usages = "[\"client auth\"]", string extra = "") => $$$"""
        {"apiVersion":"certificates.k8s.io/v1","kind":"CertificateSigningRequest","metadata":{"name":"{{{name}}}"},
         "spec":{"request":"{{{request}}}","signerName":"{{{signer}}}","usages":{{{usages}}},{{{extra}}}"expirationSeconds":3600}}
        """;

    private static string Base64(string text) => Convert.ToBase64String(Encoding.ASCII.GetBytes(text));

    [Fact]
    public async Task A_request_is_listed_pending_then_approved_or_denied_with_the_requester_set_by_the_server()
    {
        var approved = fx.UniqueName("csr-approve");
        var denied = fx.UniqueName("csr-deny");
        await fx.Kubectl.OkWithInputAsync(Manifest(approved, Base64(RequestPem("CN=alice")), extra: "\"username\":\"forged\",\"groups\":[\"system:masters-forged\"],"), "create", "-f", "-");
        await fx.Kubectl.OkWithInputAsync(Manifest(denied, Base64(RequestPem("CN=bob"))), "create", "-f", "-");

        var table = await fx.Kubectl.OkAsync("get", "csr", approved);
        Assert.Contains("NAME", table);
        Assert.Matches(@"NAME\s+AGE\s+SIGNERNAME\s+REQUESTOR\s+REQUESTEDDURATION\s+CONDITION", table);
        Assert.Matches($@"{approved}\s+\S+\s+example.com/test\s+axolotl-admin\s+60m\s+Pending", table);
        Assert.Equal("axolotl-admin", await fx.Kubectl.OkAsync("get", "csr", approved, "-o", "jsonpath={.spec.username}"));
        Assert.DoesNotContain("forged", await fx.Kubectl.OkAsync("get", "csr", approved, "-o", "jsonpath={.spec.groups}"));

        Assert.Contains("approved", await fx.Kubectl.OkAsync("certificate", "approve", approved));
        Assert.Contains("denied", await fx.Kubectl.OkAsync("certificate", "deny", denied));

        Assert.Matches($@"{approved}\s+.*\s+Approved\s*$", (await fx.Kubectl.OkAsync("get", "csr", approved, "--no-headers")).Trim());
        Assert.Matches($@"{denied}\s+.*\s+Denied\s*$", (await fx.Kubectl.OkAsync("get", "csr", denied, "--no-headers")).Trim());
        Assert.Equal("KubectlApprove", await fx.Kubectl.OkAsync("get", "csr", approved, "-o", "jsonpath={.status.conditions[0].reason}"));
    }

    [Fact]
    public async Task A_request_that_is_not_a_pem_csr_or_lacks_usages_is_invalid()
    {
        var name = fx.UniqueName("csr-bad");

        var output = await fx.Kubectl.FailAsync("create", "-f", fx.WriteFile($"{name}.json", Manifest(name, Base64("not a request"), usages: "[]")));

        Assert.Contains($"The CertificateSigningRequest \"{name}\" is invalid", output);
        Assert.Contains("spec.request: Invalid value: \"<bytes>\": PEM block type must be CERTIFICATE REQUEST", output);
        Assert.Contains("spec.usages: Required value: usages must be provided", output);
    }
}
