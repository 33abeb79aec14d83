using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Axolotl.E2E.Tests.Harness;
using static Axolotl.E2E.Tests.Services.ServiceTestKit;

namespace Axolotl.E2E.Tests.Ingress;

/// <summary>
/// The node's Ingress controller through the real kubectl: host and path rules to a Deployment and a pod,
/// 404 and 503, the forwarded headers, status.loadBalancer, the default IngressClass, and TLS with SNI
/// over HTTP/2 where a missing Secret affects only its own host.
/// </summary>
public sealed class IngressTests(IngressServerFixture fx) : IClassFixture<IngressServerFixture>
{
    private static string Backends(string ns) => HelloDeployment(ns) + $$"""
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: netexec
          namespace: {{ns}}
          labels:
            app: netexec
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: netexec
            image: registry.k8s.io/e2e-test-images/agnhost:2.39
            args: ["netexec", "--http-port=8080"]
            readinessProbe:
              httpGet:
                path: /healthz
                port: 8080
              periodSeconds: 1
        """ + "\n" + SelectorService(ns, "web", "web", 80, "8080") + SelectorService(ns, "netexec", "netexec", 8081, "8080", portName: "http");

    [Fact]
    public async Task Hosts_and_paths_route_to_ready_pods_and_the_status_names_the_node()
    {
        var ns = await fx.NewNamespaceAsync("ingress");
        await ApplyAsync(fx, Backends(ns) + $$"""
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: shop
              namespace: {{ns}}
            spec:
              rules:
              - host: shop.{{ns}}.test
                http:
                  paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: web
                        port:
                          number: 80
                  - path: /header
                    pathType: Exact
                    backend:
                      service:
                        name: netexec
                        port:
                          name: http
              - host: "*.missing.{{ns}}.test"
                http:
                  paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: nothing-here
                        port:
                          number: 80
            """ + "\n");
        await UntilReadyAsync(fx, ns, "netexec");
        await fx.Kubectl.OkAsync("rollout", "status", "deployment/web", "-n", ns, "--timeout=90s");

        // No ingressClassName: served because the controller made its class the default.
        var classes = await fx.Kubectl.OkAsync("get", "ingressclass", "axolotl", "-o", "jsonpath={.spec.controller} {.metadata.annotations.ingressclass\\.kubernetes\\.io/is-default-class}");
        Assert.Equal("axolotl.io/ingress-controller true", classes.Trim());

        var shop = $"shop.{ns}.test";
        var pods = await Eventually.UntilAsync(async () =>
        {
            var seen = new HashSet<string>();
            for (var i = 0; i < 6; i++)
            {
                if (await IngressClient.GetAsync("http", shop, fx.HttpPort, $"/any/path?n={i}") is { Status: HttpStatusCode.OK } answer)
                {
                    seen.Add(answer.Body);
                }
            }
            return seen;
        }, s => s.Count == 2 && s.All(b => b.StartsWith("Hello from web-", StringComparison.Ordinal)), "both web pods answering through the Ingress", Slow);
        Assert.Equal(2, pods.Count);

        var forwardedFor = await IngressClient.GetAsync("http", shop, fx.HttpPort, "/header?key=X-Forwarded-For");
        Assert.Equal((HttpStatusCode.OK, "127.0.0.1"), (forwardedFor!.Status, forwardedFor.Body));
        var forwardedHost = await IngressClient.GetAsync("http", shop, fx.HttpPort, "/header?key=X-Forwarded-Host");
        Assert.Equal(shop, forwardedHost!.Body);
        // Exact: "/header/" is not "/header", so the Prefix "/" rule takes it.
        Assert.StartsWith("Hello from web-", (await IngressClient.GetAsync("http", shop, fx.HttpPort, "/header/"))!.Body, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await IngressClient.GetAsync("http", $"other.{ns}.test", fx.HttpPort, "/"))!.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await IngressClient.GetAsync("http", $"a.missing.{ns}.test", fx.HttpPort, "/"))!.Status);

        var address = await UntilJsonPathAsync(fx, ns, "ingress/shop", "{.status.loadBalancer.ingress[0].ip}", s => s.Length > 0, "the node's address in the Ingress status");
        Assert.True(IPAddress.TryParse(address, out _), $"status names \"{address}\"");
        var table = await fx.Kubectl.OkAsync("get", "ingress", "shop", "-n", ns);
        Assert.Matches($@"shop\s+axolotl|shop\s+<none>", table);
        Assert.Contains(address, table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls_picks_the_certificate_by_sni_over_http2_and_a_missing_secret_affects_only_its_host()
    {
        var ns = await fx.NewNamespaceAsync("ingress-tls");
        var good = $"good.{ns}.test";
        var broken = $"broken.{ns}.test";
        var (certFile, keyFile) = WriteCertificate(good);
        await fx.Kubectl.OkAsync("create", "secret", "tls", "good-tls", "-n", ns, "--cert", certFile, "--key", keyFile);
        await ApplyAsync(fx, Backends(ns) + $$"""
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: secure
              namespace: {{ns}}
            spec:
              ingressClassName: axolotl
              tls:
              - hosts: [{{good}}]
                secretName: good-tls
              - hosts: [{{broken}}]
                secretName: no-such-secret
              rules:
              - host: {{good}}
                http:
                  paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: web
                        port:
                          number: 80
              - host: {{broken}}
                http:
                  paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: web
                        port:
                          number: 80
            """ + "\n");
        await fx.Kubectl.OkAsync("rollout", "status", "deployment/web", "-n", ns, "--timeout=90s");

        var answer = await Eventually.UntilAsync(() => IngressClient.GetAsync("https", good, fx.HttpsPort, "/", HttpVersion.Version20),
            a => a is { Status: HttpStatusCode.OK } && a.CertificateSubject == $"CN={good}", "the good host served with its own certificate", Slow);
        Assert.Equal(HttpVersion.Version20, answer!.Version);
        Assert.StartsWith("Hello from web-", answer.Body, StringComparison.Ordinal);

        var fallback = await IngressClient.GetAsync("https", broken, fx.HttpsPort, "/", HttpVersion.Version11);
        Assert.Equal(HttpStatusCode.OK, fallback!.Status);
        Assert.Equal("CN=Axolotl Ingress Controller Fake Certificate", fallback.CertificateSubject);

        await Eventually.KubectlAsync(fx.Kubectl, r => r.Stdout.Contains("InvalidTLSSecret", StringComparison.Ordinal) && r.Stdout.Contains("no-such-secret", StringComparison.Ordinal),
            "a Warning event on the Ingress about its missing Secret", "get", "events", "-n", ns, "--field-selector", "involvedObject.name=secure");
    }

    private (string Cert, string Key) WriteCertificate(string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return (fx.WriteFile("tls.crt", certificate.ExportCertificatePem()), fx.WriteFile("tls.key", key.ExportPkcs8PrivateKeyPem()));
    }
}
