using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Axolotl.ApiServer.Security;
using Axolotl.Testing;

namespace Axolotl.ApiServer.Tests.Security;

/// <summary>
/// Over the real HTTP API: a CertificateSigningRequest's spec never changes after create, approval and
/// signing need approve/sign on the request's signer, a join token never gets a registered node's name
/// (nor, when scoped, another name than its own), and a Node never claims another Node's pod CIDR.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CertificateDecisionTests : IAsyncLifetime
{
    private const string Csrs = "/apis/certificates.k8s.io/v1/certificatesigningrequests";
    private InProcessCluster _cluster = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _cluster = await InProcessCluster.StartAsync();
        _admin = _cluster.CreateHttpClient();
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task The_requesters_identity_is_set_by_the_registry_and_owned_by_no_manager()
    {
        var created = await CreateCsrAsync("identity", "example.com/signer", "CN=dave");

        Assert.Equal("axolotl-admin", (string?)created["spec"]!["username"]);
        Assert.NotEmpty(created["spec"]!["groups"]!.AsArray());
        // As kube-apiserver's PrepareForCreate runs after the create is tracked: the creator owns what it sent.
        var spec = created["metadata"]!["managedFields"]![0]!["fieldsV1"]!["f:spec"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal);
        Assert.Equal(["f:request", "f:signerName", "f:usages"], spec);
    }

    [Fact]
    public async Task A_patch_or_update_of_a_requests_spec_keeps_the_stored_spec()
    {
        await CreateCsrAsync("immutable", "example.com/signer", "CN=alice");

        var (code, patched) = await SendAsync(_admin, HttpMethod.Patch, $"{Csrs}/immutable",
            """{"spec":{"username":"system:bootstrap:abcdef","groups":["system:bootstrappers"],"signerName":"kubernetes.io/kube-apiserver-client-kubelet"}}""",
            "application/merge-patch+json");

        Assert.Equal(200, code);
        Assert.Equal("axolotl-admin", (string?)patched["spec"]!["username"]);
        Assert.Equal("example.com/signer", (string?)patched["spec"]!["signerName"]);
        Assert.DoesNotContain("system:bootstrappers", patched["spec"]!["groups"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_status_write_cannot_approve_and_an_approval_needs_approve_on_the_signer()
    {
        await CreateCsrAsync("decide-me", "example.com/signer", "CN=bob");
        await GrantAsync("csr-editor", "mallory", """
            [{"apiGroups":["certificates.k8s.io"],"resources":["certificatesigningrequests","certificatesigningrequests/approval","certificatesigningrequests/status"],
              "verbs":["get","list","update","patch"]}]
            """);
        using var mallory = Impersonating("mallory");
        var approved = """{"status":{"conditions":[{"type":"Approved","status":"True","reason":"Sneaky","message":"x"}]}}""";

        var (approvalCode, approval) = await SendAsync(mallory, HttpMethod.Patch, $"{Csrs}/decide-me/approval", approved, "application/merge-patch+json");
        var (statusCode, status) = await SendAsync(mallory, HttpMethod.Patch, $"{Csrs}/decide-me/status", approved, "application/merge-patch+json");
        var (_, stored) = await SendAsync(_admin, HttpMethod.Get, $"{Csrs}/decide-me");

        Assert.Equal(403, approvalCode);
        Assert.Equal("certificatesigningrequests.certificates.k8s.io \"decide-me\" is forbidden: user not permitted to approve requests with signerName \"example.com/signer\"",
            (string?)approval["message"]);
        // Through /status the Approved condition is not kept (upstream's status strategy); adding it is a change, which needs sign.
        Assert.Equal(403, statusCode);
        Assert.Equal("certificatesigningrequests.certificates.k8s.io \"decide-me\" is forbidden: user not permitted to sign requests with signerName \"example.com/signer\"",
            (string?)status["message"]);
        Assert.Null(stored["status"]?["conditions"]);

        await GrantAsync("example-approver", "mallory", """[{"apiGroups":["certificates.k8s.io"],"resources":["signers"],"verbs":["approve"],"resourceNames":["example.com/*"]}]""");
        var (allowedCode, allowed) = await SendAsync(mallory, HttpMethod.Patch, $"{Csrs}/decide-me/approval", approved, "application/merge-patch+json");

        Assert.Equal(200, allowedCode);
        Assert.Equal("Approved", (string?)allowed["status"]!["conditions"]![0]!["type"]);
    }

    [Fact]
    public async Task A_status_write_that_adds_a_certificate_needs_sign_and_keeps_the_stored_decision()
    {
        await CreateCsrAsync("sign-me", "example.com/signer", "CN=carol");
        await GrantAsync("csr-status", "trent", """
            [{"apiGroups":["certificates.k8s.io"],"resources":["certificatesigningrequests","certificatesigningrequests/status"],"verbs":["get","update","patch"]}]
            """);
        using var trent = Impersonating("trent");
        var certificate = Convert.ToBase64String(Encoding.ASCII.GetBytes("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"));
        var body = $$$"""{"status":{"certificate":"{{{certificate}}}"}}""";

        var (refusedCode, refused) = await SendAsync(trent, HttpMethod.Patch, $"{Csrs}/sign-me/status", body, "application/merge-patch+json");
        await GrantAsync("example-signer", "trent", """[{"apiGroups":["certificates.k8s.io"],"resources":["signers"],"verbs":["sign"],"resourceNames":["example.com/signer"]}]""");
        var (signedCode, signed) = await SendAsync(trent, HttpMethod.Patch, $"{Csrs}/sign-me/status", body, "application/merge-patch+json");

        Assert.Equal(403, refusedCode);
        Assert.Contains("user not permitted to sign requests with signerName \"example.com/signer\"", (string?)refused["message"], StringComparison.Ordinal);
        Assert.Equal(200, signedCode);
        Assert.Equal(certificate, (string?)signed["status"]!["certificate"]);
    }

    [Fact]
    public async Task A_join_token_gets_no_registered_nodes_name_and_a_scoped_one_only_its_own()
    {
        await CreateNodeAsync("taken", null);
        var store = new JoinTokenStore(_cluster.DataDir, TimeProvider.System);
        using var any = _cluster.CreateHttpClient(store.Create(null).ToString());
        var scopedToken = store.Create(null, "only-this");
        using var scoped = _cluster.CreateHttpClient(scopedToken.ToString());

        var (takenCode, taken) = await SendAsync(any, HttpMethod.Post, Csrs, NodeCsr("taken"));
        var (otherCode, other) = await SendAsync(scoped, HttpMethod.Post, Csrs, NodeCsr("someone-else"));
        var (ownCode, _) = await SendAsync(scoped, HttpMethod.Post, Csrs, NodeCsr("only-this"));
        var (freeCode, _) = await SendAsync(any, HttpMethod.Post, Csrs, NodeCsr("free-name"));

        Assert.Equal(403, takenCode);
        Assert.Contains("node \"taken\" is already registered and holds its own certificate; a join token may not request the identity of an existing node",
            (string?)taken["message"], StringComparison.Ordinal);
        Assert.Equal(403, otherCode);
        Assert.Contains($"join token \"{scopedToken.Id}\" may only request the certificate of node \"only-this\", not of node \"someone-else\"",
            (string?)other["message"], StringComparison.Ordinal);
        Assert.Equal(201, ownCode);
        Assert.Equal(201, freeCode);
    }

    [Fact]
    public async Task A_node_cannot_claim_a_pod_cidr_that_overlaps_another_nodes()
    {
        await CreateNodeAsync("first", "10.244.7.0/24");
        await CreateNodeAsync("late", null);

        var (createCode, created) = await SendAsync(_admin, HttpMethod.Post, "/api/v1/nodes", NodeJson("copycat", "10.244.7.128/25"));
        var (patchCode, patched) = await SendAsync(_admin, HttpMethod.Patch, "/api/v1/nodes/late",
            """{"spec":{"podCIDR":"10.244.7.0/24","podCIDRs":["10.244.7.0/24"]}}""", "application/merge-patch+json");
        var (ownCode, _) = await SendAsync(_admin, HttpMethod.Patch, "/api/v1/nodes/late",
            """{"spec":{"podCIDR":"10.244.8.0/24","podCIDRs":["10.244.8.0/24"]}}""", "application/merge-patch+json");
        var (labelCode, _) = await SendAsync(_admin, HttpMethod.Patch, "/api/v1/nodes/first", """{"metadata":{"labels":{"x":"y"}}}""", "application/merge-patch+json");

        Assert.Equal(422, createCode);
        Assert.Equal("Node \"copycat\" is invalid: spec.podCIDRs[0]: Invalid value: \"10.244.7.128/25\": overlaps pod CIDR 10.244.7.0/24 of node \"first\"", (string?)created["message"]);
        Assert.Equal(422, patchCode);
        Assert.Equal("Node \"late\" is invalid: spec.podCIDRs[0]: Invalid value: \"10.244.7.0/24\": overlaps pod CIDR 10.244.7.0/24 of node \"first\"", (string?)patched["message"]);
        Assert.Equal(200, ownCode);
        Assert.Equal(200, labelCode);
    }

    private HttpClient Impersonating(string user)
    {
        var http = _cluster.CreateHttpClient();
        http.DefaultRequestHeaders.Add("Impersonate-User", user);
        return http;
    }

    private async Task GrantAsync(string role, string user, string rules)
    {
        var (roleCode, roleBody) = await SendAsync(_admin, HttpMethod.Post, "/apis/rbac.authorization.k8s.io/v1/clusterroles",
            $$$"""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"{{{role}}}"},"rules":{{{rules}}}}""");
        Assert.True(roleCode == 201, roleBody.ToJsonString());
        var (bindingCode, bindingBody) = await SendAsync(_admin, HttpMethod.Post, "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
            $$$"""
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"{{{role}}}-{{{user}}}"},
             "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"{{{role}}}"},
             "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"{{{user}}}"}]}
            """);
        Assert.True(bindingCode == 201, bindingBody.ToJsonString());
        // The RBAC snapshot follows the store through a watch: wait until it has the grant.
        var rule = JsonNode.Parse(rules)!.AsArray()[0]!;
        var resource = ((string)rule["resources"]![0]!).Split('/');
        var review = new JsonObject
        {
            ["apiVersion"] = "authorization.k8s.io/v1",
            ["kind"] = "SubjectAccessReview",
            ["spec"] = new JsonObject
            {
                ["user"] = user,
                ["resourceAttributes"] = new JsonObject
                {
                    ["group"] = "certificates.k8s.io",
                    ["resource"] = resource[0],
                    ["subresource"] = resource.Length > 1 ? resource[1] : "",
                    ["verb"] = (string)rule["verbs"]![0]!,
                    ["name"] = rule["resourceNames"]?[0] is { } name ? (string)name! : "",
                },
            },
        }.ToJsonString();
        await Eventually.UntilAsync(
            async () => (await SendAsync(_admin, HttpMethod.Post, "/apis/authorization.k8s.io/v1/subjectaccessreviews", review)).Item2,
            answer => answer["status"]?["allowed"]?.GetValue<bool>() == true,
            $"the grant of {role} to {user} to take effect",
            answer => answer.ToJsonString());
    }

    private async Task<JsonObject> CreateCsrAsync(string name, string signer, string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        var (code, body) = await SendAsync(_admin, HttpMethod.Post, Csrs, $$$"""
            {"apiVersion":"certificates.k8s.io/v1","kind":"CertificateSigningRequest","metadata":{"name":"{{{name}}}"},
             "spec":{"request":"{{{Convert.ToBase64String(Encoding.ASCII.GetBytes(pem))}}}","signerName":"{{{signer}}}","usages":["client auth"]}}
            """);
        Assert.True(code == 201, body.ToJsonString());
        return body;
    }

    private static string NodeCsr(string node)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = new CertificateRequest($"O=system:nodes, CN=system:node:{node}", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        return $$$"""
            {"apiVersion":"certificates.k8s.io/v1","kind":"CertificateSigningRequest","metadata":{"generateName":"node-csr-"},
             "spec":{"request":"{{{Convert.ToBase64String(Encoding.ASCII.GetBytes(pem))}}}","signerName":"kubernetes.io/kube-apiserver-client-kubelet",
                     "usages":["digital signature","client auth"]}}
            """;
    }

    private async Task CreateNodeAsync(string name, string? cidr)
    {
        var (code, body) = await SendAsync(_admin, HttpMethod.Post, "/api/v1/nodes", NodeJson(name, cidr));
        Assert.True(code == 201, body.ToJsonString());
    }

    private static string NodeJson(string name, string? cidr) => cidr is null
        ? $$$"""{"apiVersion":"v1","kind":"Node","metadata":{"name":"{{{name}}}"}}"""
        : $$$"""{"apiVersion":"v1","kind":"Node","metadata":{"name":"{{{name}}}"},"spec":{"podCIDR":"{{{cidr}}}","podCIDRs":["{{{cidr}}}"]}}""";

    private static async Task<(int Code, JsonObject Body)> SendAsync(HttpClient http, HttpMethod method, string path, string? json = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length > 0 && text[0] == '{' ? JsonNode.Parse(text)!.AsObject() : new JsonObject { ["raw"] = text });
    }
}
