using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Networking;

/// <summary>
/// Ingresses and IngressClasses are served as on Kubernetes without an ingress controller: kubectl's
/// generator, its columns and upstream's validation (no controller writes their status, as upstream).
/// </summary>
[Collection(SharedServerECollection.Name)]
public sealed class IngressTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task Kubectl_creates_an_ingress_and_lists_its_class_hosts_and_ports()
    {
        var ns = await fx.NewNamespaceAsync("ingress");
        await fx.Kubectl.OkAsync("apply", "-f", fx.WriteFile("ingress-class.yaml", """
            apiVersion: networking.k8s.io/v1
            kind: IngressClass
            metadata: {name: e2e-nginx}
            spec: {controller: k8s.io/ingress-nginx, parameters: {apiGroup: k8s.example.com, kind: IngressParameters, name: external}}
            """));
        await fx.Kubectl.OkAsync("create", "ingress", "shop", "-n", ns, "--class=e2e-nginx",
            "--rule=shop.example.com/api*=api:8080", "--rule=shop.example.com/=web:80,tls=shop-tls");

        // kubectl's generator merges the rules of one host into one rule with two paths.
        Assert.Equal("shop.example.com/shop-tls", await fx.Kubectl.OkAsync("get", "ing", "shop", "-n", ns, "-o", "jsonpath={.spec.tls[0].hosts[0]}/{.spec.tls[0].secretName}"));
        var row = TableText.Lines(await fx.Kubectl.OkAsync("get", "ingress", "shop", "-n", ns));
        Assert.Matches(@"^NAME\s+CLASS\s+HOSTS\s+ADDRESS\s+PORTS\s+AGE$", row[0]);
        Assert.Matches(@"^shop\s+e2e-nginx\s+shop\.example\.com\s+80, 443\s+\d+s$", row[1]);
        Assert.Equal("Prefix Exact", await fx.Kubectl.OkAsync("get", "ing", "shop", "-n", ns, "-o", "jsonpath={.spec.rules[*].http.paths[*].pathType}"));
        Assert.Matches(@"e2e-nginx\s+k8s\.io/ingress-nginx\s+IngressParameters\.k8s\.example\.com/external\s+\d+s",
            await fx.Kubectl.OkAsync("get", "ingressclass", "e2e-nginx"));
        await fx.Kubectl.OkAsync("delete", "ingressclass", "e2e-nginx");
    }

    [Fact]
    public async Task An_ingress_path_without_a_path_type_is_refused_with_upstreams_message()
    {
        var ns = await fx.NewNamespaceAsync("ingress-bad");
        var result = await fx.Kubectl.RunAsync("apply", "-f", fx.WriteFile("bad-ingress.yaml", $$$"""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: bad, namespace: {{{ns}}}}
            spec:
              rules:
              - http:
                  paths:
                  - path: /
                    backend:
                      service:
                        name: web
                        port: {number: 80}
            """));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("The Ingress \"bad\" is invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified", result.Stderr);
    }
}
