using System.Diagnostics;
using Xunit.Abstractions;

namespace Axolotl.E2E.Tests.NetworkPolicies.Matrix;

/// <summary>
/// Upstream's netpol truth tables across two hosts: for each policy the whole matrix (9 client pods × 9 pods × ports
/// 80 and 81, the ClusterIP Services of x/a and x/b, the remote's two addresses) is probed and compared with the
/// expected table, until it matches or the propagation deadline passes. The cases follow upstream's: default deny
/// ingress, namespaceSelector, podSelector and namespaceSelector together, a named port, an endPort range, egress
/// denied but DNS, and an egress ipBlock with except to the remote (plus an ingress ipBlock of one host's pod CIDR).
/// </summary>
public abstract partial class NetworkPolicyAcrossHostsTests(NetpolLab lab, ITestOutputHelper output)
{
    private static bool Is(MatrixPod? pod, string ns, string name) => pod is not null && pod.Namespace == ns && pod.Name == name;

    private static string Policy(string ns, string name, string spec) =>
        $"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}, namespace: \"{ns}\"}}\nspec:\n{spec}\n---\n";

    [Fact]
    public async Task The_netpol_truth_tables_hold_across_two_hosts_through_services_and_to_a_remote_host()
    {
        var clock = Stopwatch.StartNew();
        await lab.DeletePoliciesAsync();
        try
        {
            await CaseAsync("no policies: everything connects", "", (_, _) => true);

            await CaseAsync("default deny ingress in x", Policy("x", "deny-ingress", """
                  podSelector: {}
                  policyTypes: [Ingress]
                """), (_, t) => t.Pod?.Namespace != "x");

            await CaseAsync("x/a allows namespaces In [y] (namespaceSelector)", Policy("x", "allow-ns-y", """
                  podSelector: {matchLabels: {pod: a}}
                  ingress:
                  - from:
                    - namespaceSelector:
                        matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: ["y"]}]
                """), (c, t) => !Is(t.Pod, "x", "a") || c.Namespace == "y");

            await CaseAsync("x/a allows pod b of y and z (both selectors in one peer) or x/c (podSelector)", Policy("x", "allow-b-of-yz", """
                  podSelector: {matchLabels: {pod: a}}
                  ingress:
                  - from:
                    - namespaceSelector:
                        matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: ["y", "z"]}]
                      podSelector: {matchLabels: {pod: b}}
                    - podSelector: {matchLabels: {pod: c}}
                """), (c, t) => !Is(t.Pod, "x", "a") || c.Name == "b" && c.Namespace != "x" || Is(c, "x", "c"));

            await CaseAsync("x/a allows anyone on the named port serve-81-tcp", Policy("x", "allow-81-named", """
                  podSelector: {matchLabels: {pod: a}}
                  ingress:
                  - ports: [{port: serve-81-tcp}]
                """), (_, t) => !Is(t.Pod, "x", "a") || t.Port == 81);

            await CaseAsync("y allows x on ports 79-80 (endPort)", Policy("y", "allow-x-79-80", """
                  podSelector: {}
                  ingress:
                  - from:
                    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: "x"}}
                    ports: [{protocol: TCP, port: 79, endPort: 80}]
                """), (c, t) => t.Pod?.Namespace != "y" || c.Namespace == "x" && t.Port == 80);

            await CaseAsync("x denies egress but DNS and y on 81-82 (endPort)", Policy("x", "deny-egress-but-dns", """
                  podSelector: {}
                  policyTypes: [Egress]
                  egress:
                  - ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]
                  - to:
                    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: "y"}}
                    ports: [{port: 81, endPort: 82}]
                """), (c, t) => c.Namespace != "x" || t.Pod?.Namespace == "y" && t.Port == 81);
            // DNS still resolves for the isolated pods (the cluster DNS answers on their node's gateway).
            var lookup = await lab.Lab.KubectlAsync("exec", "b", "-n", "x", "--", "nslookup", "s-x-a.x.svc.cluster.local");
            Assert.True(lookup.ExitCode == 0 && lookup.Stdout.Contains(lab.Targets.First(t => t.ThroughService).Address, StringComparison.Ordinal),
                $"DNS from x/b under the egress policy: {lookup}");

            var agentCidr = lab.PodCidrs[NetpolLab.AgentHost];
            var yc = lab.Pods.Single(p => Is(p, "y", "c"));
            await CaseAsync("x/a egress only to the LAN but the excepted address; z/c ingress only from the agent's pod CIDR but y/c (ipBlock)",
                Policy("x", "egress-lan-except", $$$"""
                  podSelector: {matchLabels: {pod: a}}
                  policyTypes: [Egress]
                  egress:
                  - to:
                    - ipBlock: {cidr: 192.168.77.0/24, except: [{{{NetpolLab.RemoteExcepted}}}/32]}
                """) + Policy("z", "ingress-cidr-except", $$$"""
                  podSelector: {matchLabels: {pod: c}}
                  ingress:
                  - from:
                    - ipBlock: {cidr: {{{agentCidr}}}, except: [{{{yc.Ip}}}/32]}
                """),
                (c, t) => Is(c, "x", "a") ? t.Address == NetpolLab.RemoteAllowed : !Is(t.Pod, "z", "c") || c.Host == NetpolLab.AgentHost && c != yc);
        }
        finally
        {
            await lab.DeletePoliciesAsync();
        }
        output.WriteLine($"whole matrix test: {clock.Elapsed.TotalSeconds:F1} s");
    }

    private async Task CaseAsync(string what, string policies, Func<MatrixPod, MatrixTarget, bool> allowed)
    {
        var clock = Stopwatch.StartNew();
        await lab.DeletePoliciesAsync();
        if (policies.Length > 0)
        {
            await lab.ApplyAsync(policies);
        }
        var expected = lab.Expect(allowed);
        var rounds = await lab.UntilMatrixAsync(what, expected);
        output.WriteLine($"{what}: {expected.Count} probes as expected after {rounds} round(s), {clock.Elapsed.TotalSeconds:F1} s");
    }
}
