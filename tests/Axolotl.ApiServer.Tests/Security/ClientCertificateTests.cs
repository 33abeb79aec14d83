using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Security;
using Axolotl.Testing;

namespace Axolotl.ApiServer.Tests.Security;

public sealed class ClientCertificateTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    [Fact]
    public void A_certificate_from_the_cluster_ca_names_its_user_and_a_node_needs_the_nodes_group()
    {
        var authenticator = new ClientCertificateAuthenticator(_pki.Ca, TimeProvider.System);
        using var other = new TestPki("other-ca");

        Assert.Equal("worker-1", authenticator.Authenticate(_pki.Client("system:node:worker-1", "system:nodes"))?.NodeName);
        Assert.Null(authenticator.Authenticate(other.Client("system:node:worker-1", "system:nodes")));
        Assert.Null(authenticator.Authenticate(_pki.Client("system:node:worker-1")));
        // Users (axolotl kubeconfig --user) authenticate as CN in the O groups, as kube-apiserver's x509 authenticator.
        var user = authenticator.Authenticate(_pki.Client("alice", "devs"));
        Assert.Equal("alice", user?.User);
        Assert.Equal(["devs", "system:authenticated"], user?.Groups);
        Assert.Null(user?.NodeName);
        Assert.Null(authenticator.Authenticate(_pki.Client("system:node:Not_A_Name", "system:nodes")));
        // A serving certificate does not allow client auth.
        Assert.Null(authenticator.Authenticate(_pki.Serving("system:node:worker-1", "system:nodes")));
        Assert.Null(authenticator.Authenticate(null));
    }

    [Fact]
    public void A_connection_is_verified_once_and_its_certificate_still_expires()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var authenticator = new ClientCertificateAuthenticator(_pki.Ca, clock);
        var items = new Dictionary<object, object?>();
        using var node = _pki.Client("system:node:worker-1", "system:nodes");
        using var other = new TestPki("other-ca");
        using var stranger = other.Client("system:node:worker-1", "system:nodes");

        Assert.Equal("worker-1", authenticator.Authenticate(node, items)?.NodeName);
        Assert.Single(items);
        Assert.Equal("worker-1", authenticator.Authenticate(node, items)?.NodeName);
        // Another certificate on the same items (never the case on one connection) is verified afresh.
        Assert.Null(authenticator.Authenticate(stranger, items));
        clock.Advance(TimeSpan.FromDays(31));
        Assert.Null(authenticator.Authenticate(node, items));
    }

    private static JsonObject Csr(string signer, string subject, params string[] usages)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        return new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "csr-1" },
            ["spec"] = new JsonObject
            {
                ["request"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(pem)),
                ["signerName"] = signer,
                ["usages"] = new JsonArray([.. usages.Select(u => (JsonNode?)JsonValue.Create(u))]),
            },
        };
    }

    private static string? Refusal(Principal principal, JsonObject csr, params string[] registered)
    {
        try
        {
            CertificateRequestRestriction.CheckCreateAsync(principal, KnownResources.CertificateSigningRequests, csr,
                (node, _) => Task.FromResult(registered.Contains(node)), DateTimeOffset.UnixEpoch, CancellationToken.None).GetAwaiter().GetResult();
            return null;
        }
        catch (ApiException e)
        {
            Assert.Equal(403, e.Status.Code);
            return e.Status.Message;
        }
    }

    [Fact]
    public void A_join_token_may_only_request_a_node_client_certificate()
    {
        var bootstrap = Principal.Bootstrap("abcdef");
        const string client = "kubernetes.io/kube-apiserver-client-kubelet";

        Assert.Null(Refusal(bootstrap, Csr(client, "O=system:nodes, CN=system:node:new", "digital signature", "client auth")));
        Assert.Equal("certificatesigningrequests.certificates.k8s.io \"csr-1\" is forbidden: a join token may only request a node client certificate (signerName kubernetes.io/kube-apiserver-client-kubelet)",
            Refusal(bootstrap, Csr("kubernetes.io/kube-apiserver-client", "O=system:masters, CN=admin", "digital signature", "client auth")));
        Assert.Equal("certificatesigningrequests.certificates.k8s.io \"csr-1\" is forbidden: subject organization is not system:nodes",
            Refusal(bootstrap, Csr(client, "O=system:masters, CN=system:node:new", "digital signature", "client auth")));
        Assert.NotNull(Refusal(bootstrap, Csr("kubernetes.io/kubelet-serving", "O=system:nodes, CN=system:node:new", "digital signature", "server auth")));
    }

    [Fact]
    public void A_node_may_only_request_its_own_certificates_and_the_admin_anything()
    {
        var node = Principal.Node("worker-1");
        const string client = "kubernetes.io/kube-apiserver-client-kubelet";

        Assert.Null(Refusal(node, Csr(client, "O=system:nodes, CN=system:node:worker-1", "digital signature", "client auth")));
        Assert.Equal("certificatesigningrequests.certificates.k8s.io \"csr-1\" is forbidden: a node may only request certificates for itself (system:node:worker-1)",
            Refusal(node, Csr(client, "O=system:nodes, CN=system:node:worker-2", "digital signature", "client auth")));
        Assert.NotNull(Refusal(node, Csr("example.com/anything", "O=system:nodes, CN=system:node:worker-1", "digital signature", "client auth")));
        Assert.Null(Refusal(Principal.Admin, Csr("example.com/anything", "CN=whatever", "digital signature", "client auth")));
    }

    [Fact]
    public void A_node_may_request_only_its_own_ingress_controller_certificate_and_none_outliving_its_own()
    {
        const string edge = "axolotl.io/kube-apiserver-client-ingress-controller";
        // The refusals are measured against the epoch (Refusal's "now"): the node's certificate has a day left.
        var node = Principal.Node("worker-1") with { CredentialNotAfter = DateTimeOffset.UnixEpoch.AddDays(1) };
        JsonObject Edge(string cn, long? seconds, string organization = "system:axolotl-ingress-controllers")
        {
            var csr = Csr(edge, $"O={organization}, CN={cn}", "digital signature", "client auth");
            if (seconds is { } given)
            {
                csr["spec"]!["expirationSeconds"] = given;
            }
            return csr;
        }

        Assert.Null(Refusal(node, Edge("system:axolotl-ingress-controller:worker-1", 3600)));
        Assert.Equal("certificatesigningrequests.certificates.k8s.io \"csr-1\" is forbidden: a node may only request the certificate of its own ingress controller " +
            "(system:axolotl-ingress-controller:worker-1)", Refusal(node, Edge("system:axolotl-ingress-controller:worker-2", 3600)));
        Assert.Equal("certificatesigningrequests.certificates.k8s.io \"csr-1\" is forbidden: subject organization is not system:axolotl-ingress-controllers",
            Refusal(node, Edge("system:axolotl-ingress-controller:worker-1", 3600, organization: "system:masters")));
        Assert.Equal("certificatesigningrequests.certificates.k8s.io \"csr-1\" is forbidden: spec.expirationSeconds 864000 outlives this node's own certificate (86400 s left): " +
            "an ingress controller certificate must end with its node's", Refusal(node, Edge("system:axolotl-ingress-controller:worker-1", 864000)));
        Assert.StartsWith("certificatesigningrequests.certificates.k8s.io \"csr-1\" is forbidden: spec.expirationSeconds is required",
            Refusal(node, Edge("system:axolotl-ingress-controller:worker-1", null)), StringComparison.Ordinal);
        // A join token never gets it: only node client certificates.
        Assert.Equal("certificatesigningrequests.certificates.k8s.io \"csr-1\" is forbidden: a join token may only request a node client certificate (signerName kubernetes.io/kube-apiserver-client-kubelet)",
            Refusal(Principal.Bootstrap("abcdef"), Edge("system:axolotl-ingress-controller:worker-1", 3600)));
    }

    [Fact]
    public void An_ingress_controller_certificate_authenticates_only_in_its_own_group()
    {
        var authenticator = new ClientCertificateAuthenticator(_pki.Ca, TimeProvider.System);

        var edge = authenticator.Authenticate(_pki.Client("system:axolotl-ingress-controller:worker-1", "system:axolotl-ingress-controllers"));
        Assert.Equal("worker-1", edge?.IngressControllerNodeName);
        Assert.Null(edge?.NodeName);
        Assert.NotNull(edge?.CredentialNotAfter);
        Assert.Null(authenticator.Authenticate(_pki.Client("system:axolotl-ingress-controller:worker-1", "system:masters")));
        Assert.Null(authenticator.Authenticate(_pki.Client("system:axolotl-ingress-controller:Bad_Name", "system:axolotl-ingress-controllers")));
    }

    [Fact]
    public void A_join_token_may_not_request_the_certificate_of_a_registered_node_and_a_node_renews_its_own()
    {
        const string client = "kubernetes.io/kube-apiserver-client-kubelet";
        var request = Csr(client, "O=system:nodes, CN=system:node:server-node", "digital signature", "client auth");

        Assert.Equal("certificatesigningrequests.certificates.k8s.io \"csr-1\" is forbidden: node \"server-node\" is already registered and holds its own certificate; " +
            "a join token may not request the identity of an existing node (if its agent is gone for good, delete it first: kubectl delete node server-node)",
            Refusal(Principal.Bootstrap("abcdef"), request, "server-node"));
        Assert.Null(Refusal(Principal.Bootstrap("abcdef"), request, "another-node"));
        // Renewal is the node itself, with its current certificate: its Node exists, and that is fine.
        Assert.Null(Refusal(Principal.Node("server-node"), request, "server-node"));
    }

    [Fact]
    public void A_join_token_scoped_to_one_node_may_request_that_name_only()
    {
        const string client = "kubernetes.io/kube-apiserver-client-kubelet";
        var scoped = Principal.Bootstrap("abcdef") with { BootstrapNodeName = "a" };

        Assert.Null(Refusal(scoped, Csr(client, "O=system:nodes, CN=system:node:a", "digital signature", "client auth")));
        Assert.Equal("certificatesigningrequests.certificates.k8s.io \"csr-1\" is forbidden: join token \"abcdef\" may only request the certificate of node \"a\", not of node \"b\"",
            Refusal(scoped, Csr(client, "O=system:nodes, CN=system:node:b", "digital signature", "client auth")));
    }
}
