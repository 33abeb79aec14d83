using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;
using static Axolotl.E2E.Tests.Services.ServiceTestKit;

namespace Axolotl.E2E.Tests.NetworkPolicies;

/// <summary>
/// NetworkPolicy through the real kubectl against a real server, enforced by the node's nftables
/// table: pods in two namespaces, busybox httpd servers and nc clients (packets stay on the node's
/// bridge). The server's stop (and the harness' sweep, when a test fails) removes the table.
/// </summary>
[Collection(SharedServerGCollection.Name)]
public sealed class NetworkPolicyTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(30);

    /// <summary>A busybox pod serving its hostname over HTTP on 8080 (named http) and 8081 (named alt).</summary>
    private static string Server(string ns, string name, string labels) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          namespace: {{ns}}
          labels: { {{labels}} }
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: web
            image: busybox
            command: ["sh", "-c", "mkdir -p /srv && hostname > /srv/index.html && httpd -p 8081 -h /srv && exec httpd -f -p 8080 -h /srv"]
            ports:
            - {name: http, containerPort: 8080}
            - {name: alt, containerPort: 8081}
        ---

        """;

    /// <summary>What <paramref name="from"/> gets on GET http://IP:PORT/ (the server's hostname), or "" when the connection is dropped.</summary>
    private async Task<string> GetAsync(string ns, string from, string ip, int port)
    {
        var result = await fx.Kubectl.RunAsync("exec", from, "-n", ns, "--", "sh", "-c", $"printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 {ip} {port} | tail -1");
        return result.ExitCode == 0 ? result.Stdout.Trim() : "";
    }

    private Task UntilAsync(string ns, string from, string ip, int port, string expected, string what) =>
        Eventually.UntilAsync(() => GetAsync(ns, from, ip, port), got => got == expected, what, Propagation);

    private async Task<(string A, string B)> TwoNamespacesAsync()
    {
        var a = await fx.NewNamespaceAsync("np-a");
        var b = await fx.NewNamespaceAsync("np-b");
        await fx.Kubectl.OkAsync("label", "namespace", a, "team=a");
        await fx.Kubectl.OkAsync("label", "namespace", b, "team=b");
        await ApplyAsync(fx, Server(a, "web", "app: web") + Server(a, "friend", "role: friend") + Server(a, "stranger", "role: stranger") +
            Server(b, "friend", "role: friend"));
        await UntilReadyAsync(fx, a, "web", "friend", "stranger");
        await UntilReadyAsync(fx, b, "friend");
        return (a, b);
    }

    [Fact]
    public async Task Deny_allow_by_pod_and_namespace_selectors_through_a_service_egress_ipBlock_and_deletion_take_effect()
    {
        var (a, b) = await TwoNamespacesAsync();
        var web = await JsonPathAsync(fx, a, "pod/web", "{.status.podIP}");
        var remoteFriend = await JsonPathAsync(fx, b, "pod/friend", "{.status.podIP}");
        Assert.Equal("web", await GetAsync(a, "stranger", web, 8080));

        // Default deny ingress in A: nobody reaches web, not even a pod of its own namespace.
        await ApplyAsync(fx, $$"""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny, namespace: {{a}} }
            spec:
              podSelector: {}
              policyTypes: [Ingress]
            """);
        await UntilAsync(a, "stranger", web, 8080, "", "default deny to block stranger → web");
        Assert.Equal("", await GetAsync(a, "friend", web, 8080));
        Assert.Equal("", await GetAsync(b, "friend", web, 8080));

        // Allow friends of A (podSelector) and friends in team b (both selectors), on the named port only.
        await ApplyAsync(fx, $$"""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: allow-friends, namespace: {{a}} }
            spec:
              podSelector: {matchLabels: {app: web} }
              ingress:
              - from:
                - podSelector: {matchLabels: {role: friend} }
                - namespaceSelector: {matchLabels: {team: b} }
                  podSelector: {matchLabels: {role: friend} }
                ports:
                - port: http
            """);
        await UntilAsync(a, "friend", web, 8080, "web", "friend → web allowed by podSelector");
        Assert.Equal("web", await GetAsync(b, "friend", web, 8080));
        Assert.Equal("", await GetAsync(a, "stranger", web, 8080));
        Assert.Equal("", await GetAsync(a, "friend", web, 8081));
        // Through a Service the relay connects from the node: it asks the policy for the client pod before it does.
        await ApplyAsync(fx, SelectorService(a, "web", "web", 80, "http"));
        var clusterIp = await JsonPathAsync(fx, a, "service/web", "{.spec.clusterIP}");
        await UntilAsync(a, "friend", clusterIp, 80, "web", "friend → Service web");
        Assert.Equal("", await GetAsync(a, "stranger", clusterIp, 80));
        var printed = await fx.Kubectl.OkAsync("get", "netpol", "-n", a);
        Assert.Matches(@"^NAME\s+POD-SELECTOR\s+AGE\n", printed);
        Assert.Matches(@"\nallow-friends\s+app=web\s+\S+\n", printed);
        Assert.Matches(@"\ndefault-deny\s+<none>\s+\S+\n", printed);

        // Egress: A's friend may go anywhere but to web's address.
        await ApplyAsync(fx, $$"""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: not-web, namespace: {{a}} }
            spec:
              podSelector: {matchLabels: {role: friend} }
              policyTypes: [Egress]
              egress:
              - to:
                - ipBlock: {cidr: 0.0.0.0/0, except: [{{web}}/32]}
            """);
        await UntilAsync(a, "friend", web, 8080, "", "the egress except to block friend → web");
        Assert.Equal("friend", await GetAsync(a, "friend", remoteFriend, 8080));
        Assert.Equal("", await GetAsync(a, "friend", clusterIp, 80));

        // Deleted, the policies stop isolating: traffic is back.
        await fx.Kubectl.OkAsync("delete", "netpol", "-n", a, "--all");
        await UntilAsync(a, "stranger", web, 8080, "web", "stranger → web once the policies are gone");
        Assert.Equal("web", await GetAsync(a, "friend", web, 8080));
    }

    [Fact]
    public async Task A_new_pod_is_isolated_before_its_first_packet()
    {
        var ns = await fx.NewNamespaceAsync("np-new");
        await ApplyAsync(fx, Server(ns, "target", "app: target"));
        await UntilReadyAsync(fx, ns, "target");
        var target = await JsonPathAsync(fx, ns, "pod/target", "{.status.podIP}");
        await ApplyAsync(fx, $$"""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: no-egress, namespace: {{ns}} }
            spec:
              podSelector: {matchLabels: {role: early} }
              policyTypes: [Egress]
            """);

        // Its very first action is the connection the policy forbids.
        await ApplyAsync(fx, $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: early, namespace: {{ns}}, labels: {role: early} }
            spec:
              terminationGracePeriodSeconds: 1
              restartPolicy: Never
              containers:
              - name: c
                image: busybox
                command: ["sh", "-c", "if printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 {{target}} 8080 2>/dev/null | grep -q target; then echo LEAKED; else echo blocked; fi"]
            """);
        var log = await Eventually.UntilAsync(async () => (await fx.Kubectl.RunAsync("logs", "early", "-n", ns)).Stdout.Trim(),
            l => l.Length > 0, "the early pod's verdict", Slow);

        // nc's own complaint goes to stderr, which the log keeps too: the verdict is the first line.
        Assert.Equal("blocked", log.Split('\n')[0]);
        Assert.DoesNotContain("LEAKED", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_policies_are_refused_with_upstreams_field_errors()
    {
        var ns = await fx.NewNamespaceAsync("np-invalid");
        var result = await fx.Kubectl.RunAsync(["apply", "-f", "-"], $$"""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: bad, namespace: {{ns}} }
            spec:
              podSelector: {}
              policyTypes: [Ingress, Sideways]
              ingress:
              - ports:
                - {protocol: ICMP, port: 80}
                - {port: 90, endPort: 80}
                - {port: http, endPort: 90}
                from:
                - {}
                - ipBlock: {cidr: 10.0.0.0/16, except: [10.1.0.0/24]}
                  podSelector: {}
              egress:
              - to:
                - ipBlock: {cidr: not-a-cidr}
            """);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("spec.policyTypes[1]: Unsupported value: \"Sideways\": supported values: \"Ingress\", \"Egress\"", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.ingress[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"TCP\", \"UDP\", \"SCTP\"", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.ingress[0].ports[1].endPort: Invalid value: 90: must be greater than or equal to `port`", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.ingress[0].ports[2].endPort: Invalid value: 90: may not be specified when `port` is non-numeric", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.ingress[0].from[0]: Required value: must specify a peer", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: \"10.1.0.0/24\": must be a strict subset of `cidr`", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.egress[0].to[0].ipBlock.cidr: Invalid value: \"not-a-cidr\": not a valid CIDR", result.Stderr, StringComparison.Ordinal);
    }
}
