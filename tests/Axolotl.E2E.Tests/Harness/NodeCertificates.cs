using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace Axolotl.E2E.Tests.Harness;

/// <summary>
/// A node's client certificate obtained the way an agent obtains it (TLS bootstrap): a PKCS#10 request
/// for CN system:node:NAME, O system:nodes, sent as a CertificateSigningRequest with the join token,
/// signed once the server approves it. Cached per server and node; also written as PEM files for curl.
/// </summary>
public static class NodeCertificates
{
    private static readonly ConcurrentDictionary<(string, string), Lazy<Task<(X509Certificate2 Certificate, string CertFile, string KeyFile)>>> Cache = new();

    public static Task<(X509Certificate2 Certificate, string CertFile, string KeyFile)> ObtainAsync(AxolotlServer server, string node) =>
        Cache.GetOrAdd((server.DataDir, node), _ => new Lazy<Task<(X509Certificate2, string, string)>>(() => BootstrapAsync(server, node))).Value;

    /// <summary>A PEM certificate request for <paramref name="commonName"/> (organization optional) and its key.</summary>
    public static (ECDsa Key, string Pem) Request(string commonName, string? organization)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        if (organization is not null)
        {
            subject.AddOrganizationName(organization);
        }
        subject.AddCommonName(commonName);
        return (key, new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256).CreateSigningRequestPem());
    }

    /// <summary>The JSON body of a CertificateSigningRequest.</summary>
    public static string Body(string pem, string signer, params string[] usages) => new JsonObject
    {
        ["apiVersion"] = "certificates.k8s.io/v1",
        ["kind"] = "CertificateSigningRequest",
        ["metadata"] = new JsonObject { ["generateName"] = "e2e-csr-" },
        ["spec"] = new JsonObject
        {
            ["request"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(pem)),
            ["signerName"] = signer,
            ["usages"] = new JsonArray([.. usages.Select(u => (JsonNode?)JsonValue.Create(u))]),
        },
    }.ToJsonString();

    /// <summary>
    /// With the join token while no Node of that name exists. A join token never gets a registered node's
    /// certificate (the server's own node, say), so for one of those the admin asks and approves, as an
    /// operator who may.
    /// </summary>
    private static async Task<(X509Certificate2, string, string)> BootstrapAsync(AxolotlServer server, string node)
    {
        using var join = ApiClient.Create(server, File.ReadAllText(AxolotlAgent.ServerTokenFile(server)).Trim());
        using var admin = ApiClient.Create(server, KubeconfigFile.Token(server.Kubeconfig));
        var (key, pem) = Request($"system:node:{node}", "system:nodes");
        using (key)
        {
            var body = Body(pem, "kubernetes.io/kube-apiserver-client-kubelet", "digital signature", "client auth");
            var csrs = new Uri("/apis/certificates.k8s.io/v1/certificatesigningrequests", UriKind.Relative);
            var http = join;
            var created = await http.PostAsync(csrs, new StringContent(body, Encoding.UTF8, "application/json"));
            var registered = created.StatusCode == System.Net.HttpStatusCode.Forbidden;
            if (registered)
            {
                http = admin;
                created = await http.PostAsync(csrs, new StringContent(body, Encoding.UTF8, "application/json"));
            }
            var text = await created.Content.ReadAsStringAsync();
            Assert.True(created.IsSuccessStatusCode, $"CSR create: {(int)created.StatusCode} {text}");
            var name = (string)JsonNode.Parse(text)!["metadata"]!["name"]!;
            if (registered)
            {
                var csr = JsonNode.Parse(text)!;
                csr["status"] = new JsonObject
                {
                    ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Approved", ["status"] = "True", ["reason"] = "E2EApprove", ["message"] = "a test acts as this node" }),
                };
                var approved = await admin.PutAsync(new Uri($"/apis/certificates.k8s.io/v1/certificatesigningrequests/{name}/approval", UriKind.Relative),
                    new StringContent(csr.ToJsonString(), Encoding.UTF8, "application/json"));
                Assert.True(approved.IsSuccessStatusCode, $"CSR approve: {(int)approved.StatusCode} {await approved.Content.ReadAsStringAsync()}");
            }
            var issued = await Eventually.UntilAsync(
                async () => JsonNode.Parse(await http.GetStringAsync(new Uri($"/apis/certificates.k8s.io/v1/certificatesigningrequests/{name}", UriKind.Relative)))!,
                csr => csr["status"]?["certificate"] is not null, $"CSR {name} issued", TimeSpan.FromSeconds(30));
            var certificatePem = Encoding.ASCII.GetString(Convert.FromBase64String((string)issued["status"]!["certificate"]!));
            using var certificate = X509Certificate2.CreateFromPem(certificatePem);
            using var withKey = certificate.CopyWithPrivateKey(key);
            var dir = Directory.CreateTempSubdirectory("axolotl-e2e-node-cert-").FullName;
            var certFile = Path.Combine(dir, "node.crt");
            var keyFile = Path.Combine(dir, "node.key");
            await File.WriteAllTextAsync(certFile, certificatePem);
            await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());
            // A PFX round trip: SslStream on Linux wants the key and certificate as one.
            return (X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null), certFile, keyFile);
        }
    }

    /// <summary>An HTTP client to the server that authenticates with <paramref name="certificate"/> only.</summary>
    public static HttpClient Client(AxolotlServer server, X509Certificate2 certificate)
    {
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        handler.ClientCertificates.Add(certificate);
        var http = new HttpClient(handler, disposeHandler: true) { BaseAddress = new Uri($"https://127.0.0.1:{server.Port}"), Timeout = TimeSpan.FromSeconds(15) };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return http;
    }
}
