using Axolotl.Agent.NetworkPolicies;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Networking;

namespace Axolotl.Agent.Tests.NetworkPolicies;

/// <summary>
/// Upstream's netpol e2e world in miniature: namespaces x, y, z (labelled ns=NAME), pods a, b, c in
/// each (labelled pod=NAME) with TCP ports 80 and 81 named serve-80-tcp and serve-81-tcp and UDP 80
/// named serve-80-udp, plus the node's DNS. <see cref="Matrix"/> answers the truth table the e2e suite
/// prints: for each client pod, which servers it reaches on a port.
/// </summary>
internal static class PolicyWorld
{
    public static readonly string[] Namespaces = ["x", "y", "z"];
    public static readonly string[] PodNames = ["a", "b", "c"];
    public const uint Gateway = (10u << 24) | (244u << 16) | 1u;

    public static IReadOnlyList<PolicyPod> Pods { get; } = [.. Namespaces.SelectMany((ns, i) => PodNames.Select((p, j) => new PolicyPod(
        $"{ns}-{p}", ns, p, new Dictionary<string, string> { ["pod"] = p }, Address(i, j),
        [new PolicyPort("serve-80-tcp", "TCP", 80), new PolicyPort("serve-81-tcp", "TCP", 81), new PolicyPort("serve-80-udp", "UDP", 80)])))];

    public static uint Address(int ns, int pod) => (10u << 24) | (244u << 16) | ((uint)ns << 8) | (uint)(10 + pod);

    public static string Cidr(int ns, int pod) => Ipv4Range.Format(Address(ns, pod)) + "/32";

    public static PolicyPod Pod(string name) => Pods.Single(p => $"{p.Namespace}/{p.Name}" == name);

    public static PolicyState State(params NetworkPolicy[] policies) => new(
        policies,
        [.. Pods, ClusterDns.Pod(Gateway)],
        Namespaces.Append("kube-system").ToDictionary(n => n, n => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>
        {
            ["ns"] = n,
            [WellKnown.LabelMetadataName] = n,
        }));

    /// <summary>
    /// Rows are clients, columns servers, "." reachable and "X" not, as the e2e suite prints them; a
    /// connection needs the client's egress and the server's ingress.
    /// </summary>
    public static string Matrix(PolicyState state, string protocol, int port)
    {
        var rules = NetworkPolicyCompiler.Compile(state, Pods).ToDictionary(r => r.Pod.Uid);
        var lines = Pods.Select(from => string.Concat(Pods.Select(to =>
            rules[from.Uid].AllowsEgress(to.Ip, protocol, port) && rules[to.Uid].AllowsIngress(from.Ip, protocol, port) ? '.' : 'X')));
        return string.Join("\n", lines);
    }

    public static NetworkPolicy Policy(string ns, string name, LabelSelector podSelector, string[]? types = null,
        List<NetworkPolicyIngressRule>? ingress = null, List<NetworkPolicyEgressRule>? egress = null) => new()
        {
            Metadata = new ObjectMeta { Namespace = ns, Name = name },
            Spec = new NetworkPolicySpec { PodSelector = podSelector, PolicyTypes = types is null ? null : [.. types], Ingress = ingress, Egress = egress },
        };

    public static LabelSelector All => new();

    public static LabelSelector Labels(string key, string value) => new() { MatchLabels = new() { [key] = value } };

    public static NetworkPolicyPort Tcp(IntOrString port, int? endPort = null) => new() { Protocol = "TCP", Port = port, EndPort = endPort };

    public static NetworkPolicyPort Udp(IntOrString port) => new() { Protocol = "UDP", Port = port };
}
