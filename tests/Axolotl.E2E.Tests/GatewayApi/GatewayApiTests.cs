using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Axolotl.E2E.Tests.Harness;
using static Axolotl.E2E.Tests.Services.ServiceTestKit;

namespace Axolotl.E2E.Tests.GatewayApi;

/// <summary>
/// The node's Gateway API controller through the real kubectl and curl: a GatewayClass of ours, a Gateway listening on
/// a free port, HTTPRoutes by host and path, by header (with a header set and the URL rewritten), weighted between two
/// Services, a redirect, an HTTPS listener terminating TLS with its certificateRef's Secret, and the statuses kubectl shows,
/// including routes refused or not attached.
/// </summary>
public sealed class GatewayApiTests(GatewayServerFixture fx) : IClassFixture<GatewayServerFixture>
{
    private static string Manifest(string ns, int port, int tlsPort) => HelloDeployment(ns) + $$$"""
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: netexec
          namespace: {{{ns}}}
          labels: {app: netexec}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: netexec
            image: registry.k8s.io/e2e-test-images/agnhost:2.39
            args: ["netexec", "--http-port=8080"]
            readinessProbe:
              httpGet: {path: /healthz, port: 8080}
              periodSeconds: 1
        """ + "\n" + SelectorService(ns, "web", "web", 80, "8080") + SelectorService(ns, "netexec", "netexec", 8081, "8080") + $$$"""
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata:
          name: axolotl-{{{ns}}}
        spec:
          controllerName: axolotl.io/gateway-controller
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: edge
          namespace: {{{ns}}}
        spec:
          gatewayClassName: axolotl-{{{ns}}}
          listeners:
          - name: http
            port: {{{port}}}
            protocol: HTTP
            hostname: "*.{{{ns}}}.test"
          - name: https
            port: {{{tlsPort}}}
            protocol: HTTPS
            hostname: "*.{{{ns}}}.test"
            tls:
              mode: Terminate
              certificateRefs: [{kind: Secret, name: secure-tls}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: secure
          namespace: {{{ns}}}
        spec:
          parentRefs: [{name: edge, sectionName: https}]
          hostnames: [secure.{{{ns}}}.test]
          rules:
          - backendRefs: [{name: web, port: 80}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: shop
          namespace: {{{ns}}}
        spec:
          parentRefs: [{name: edge, sectionName: http}]
          hostnames: [shop.{{{ns}}}.test]
          rules:
          - matches: [{path: {type: PathPrefix, value: /}}]
            backendRefs: [{name: web, port: 80}]
          - matches: [{path: {type: Exact, value: /hostname}}]
            backendRefs: [{name: web, port: 80, weight: 1}, {name: netexec, port: 8081, weight: 1}]
          - matches: [{path: {type: PathPrefix, value: /}, headers: [{name: x-canary, value: "yes"}]}]
            filters:
            - type: RequestHeaderModifier
              requestHeaderModifier: {set: [{name: X-Added, value: from-the-gateway}]}
            - type: URLRewrite
              urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: /header}}
            backendRefs: [{name: netexec, port: 8081}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: moved
          namespace: {{{ns}}}
        spec:
          parentRefs: [{name: edge}]
          hostnames: [old.{{{ns}}}.test]
          rules:
          - filters:
            - type: RequestRedirect
              requestRedirect: {hostname: shop.{{{ns}}}.test, statusCode: 301}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: regex
          namespace: {{{ns}}}
        spec:
          parentRefs: [{name: edge}]
          hostnames: [regex.{{{ns}}}.test]
          rules:
          - matches: [{path: {type: RegularExpression, value: "/a.*"}}]
            backendRefs: [{name: web, port: 80}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: elsewhere
          namespace: {{{ns}}}
        spec:
          parentRefs: [{name: edge}]
          hostnames: [shop.example.org]
          rules:
          - backendRefs: [{name: web, port: 80}]

        """;

    /// <summary>curl with the name resolved to loopback: body, then a last line "CODE LOCATION".</summary>
    private async Task<(string Body, string Status)> CurlAsync(string host, string path, params string[] headers)
    {
        var args = new List<string> { "-s", "--max-time", "5", "--resolve", $"{host}:{fx.Port}:127.0.0.1", "-w", "\n%{http_code} %{redirect_url}" };
        foreach (var header in headers)
        {
            args.AddRange(["-H", header]);
        }
        args.Add($"http://{host}:{fx.Port}{path}");
        var result = await ProcessRunner.RunAsync("curl", args, timeout: TimeSpan.FromSeconds(10));
        var output = result.Stdout.TrimEnd();
        var last = output.LastIndexOf('\n');
        return last < 0 ? ("", output) : (output[..last].Trim(), output[(last + 1)..].Trim());
    }

    private Task<string> RouteReasonAsync(string ns, string route) =>
        JsonPathAsync(fx, ns, "httproute/" + route, "{.status.parents[0].conditions[?(@.type==\"Accepted\")].reason}");

    [Fact]
    public async Task Routes_serve_by_host_path_header_and_weight_with_a_redirect_and_kubectl_shows_every_status()
    {
        var ns = await fx.NewNamespaceAsync("gateway");
        var tlsPort = LoopbackPorts.Free();
        var secure = $"secure.{ns}.test";
        var (cert, key) = WriteCertificate(secure);
        await fx.Kubectl.OkAsync("create", "secret", "tls", "secure-tls", "-n", ns, "--cert", cert, "--key", key);
        await ApplyAsync(fx, Manifest(ns, fx.Port, tlsPort));
        await fx.Kubectl.OkAsync("rollout", "status", "deployment/web", "-n", ns, "--timeout=60s");
        await fx.Kubectl.OkAsync("wait", "--for=condition=Ready", "pod/netexec", "-n", ns, "--timeout=60s");
        var shop = $"shop.{ns}.test";

        // Host and path: everything under / of the shop host goes to the http-hello pods.
        var root = await Eventually.UntilAsync(() => CurlAsync(shop, "/cart"), a => a.Body.StartsWith("Hello from web-", StringComparison.Ordinal), "the shop route answering", Slow);
        Assert.StartsWith("200", root.Status, StringComparison.Ordinal);
        // Weights 1:1 take turns between the two Services.
        var answers = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add((await CurlAsync(shop, "/hostname")).Body);
        }
        Assert.Contains("netexec", answers);
        Assert.Contains(answers, a => a.StartsWith("Hello from web-", StringComparison.Ordinal));
        // A header match with a header set and the path rewritten: netexec's /header echoes the added header.
        Assert.Equal("from-the-gateway", (await CurlAsync(shop, "/anything?key=X-Added", "x-canary: yes")).Body);
        // The redirect keeps the path and query and the listener's port.
        Assert.Equal($"301 http://{shop}:{fx.Port}/some/path?q=1", (await CurlAsync($"old.{ns}.test", "/some/path?q=1")).Status);
        // A host no route serves, and the refused route's host: 404.
        Assert.StartsWith("404", (await CurlAsync($"regex.{ns}.test", "/abc")).Status, StringComparison.Ordinal);
        Assert.StartsWith("404", (await CurlAsync($"nobody.{ns}.test", "/")).Status, StringComparison.Ordinal);

        Assert.Equal("True", await JsonPathAsync(fx, "", $"gatewayclass/axolotl-{ns}", "{.status.conditions[?(@.type==\"Accepted\")].status}"));
        Assert.Equal("True", await UntilJsonPathAsync(fx, ns, "gateway/edge", "{.status.conditions[?(@.type==\"Programmed\")].status}", s => s == "True", "the Gateway programmed"));
        Assert.NotEmpty(await JsonPathAsync(fx, ns, "gateway/edge", "{.status.addresses[0].value}"));
        // shop and moved attach; the refused and the foreign-host routes do not.
        Assert.Equal("2", await UntilJsonPathAsync(fx, ns, "gateway/edge", "{.status.listeners[0].attachedRoutes}", s => s == "2", "two routes attached"));
        Assert.Equal("Accepted", await RouteReasonAsync(ns, "shop"));
        Assert.Equal("True", await JsonPathAsync(fx, ns, "httproute/shop", "{.status.parents[0].conditions[?(@.type==\"ResolvedRefs\")].status}"));
        Assert.Equal("UnsupportedValue", await RouteReasonAsync(ns, "regex"));
        Assert.Equal("NoMatchingListenerHostname", await RouteReasonAsync(ns, "elsewhere"));
        var table = await fx.Kubectl.OkAsync("get", "gateway", "edge", "-n", ns);
        Assert.Matches(@"edge\s+axolotl-gateway-\d+\s+\S+\s+True", table);

        // The HTTPS listener terminates TLS with its certificateRef's Secret: curl verifies it against that certificate by SNI.
        var https = await Eventually.UntilAsync(() => ProcessRunner.RunAsync("curl",
                ["-s", "--max-time", "5", "--cacert", cert, "--resolve", $"{secure}:{tlsPort}:127.0.0.1", "-w", "\n%{http_code}", $"https://{secure}:{tlsPort}/"],
                timeout: TimeSpan.FromSeconds(10)),
            r => r.ExitCode == 0 && r.Stdout.TrimEnd().EndsWith("\n200", StringComparison.Ordinal), "the HTTPS listener answering with the Secret's certificate", Slow);
        Assert.StartsWith("Hello from web-", https.Stdout, StringComparison.Ordinal);
        Assert.Equal("True", await JsonPathAsync(fx, ns, "gateway/edge", "{.status.listeners[?(@.name==\"https\")].conditions[?(@.type==\"ResolvedRefs\")].status}"));
    }

    private (string Cert, string Key) WriteCertificate(string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return (fx.WriteFile("gateway-tls.crt", certificate.ExportCertificatePem()), fx.WriteFile("gateway-tls.key", key.ExportPkcs8PrivateKeyPem()));
    }
}
