using Axolotl.Agent.NetworkPolicies;
using Axolotl.Api.Networking;
using static Axolotl.Agent.Tests.NetworkPolicies.PolicyWorld;

namespace Axolotl.Agent.Tests.NetworkPolicies;

/// <summary>
/// The compiler against the truth tables of upstream's netpol e2e cases. Rows and columns are
/// x/a x/b x/c y/a y/b y/c z/a z/b z/c; a row is the client.
/// </summary>
public sealed class NetworkPolicyCompilerTests
{
    private const string AllReach = """
        .........
        .........
        .........
        .........
        .........
        .........
        .........
        .........
        .........
        """;

    private static string Expect(string text) => text.Replace("\r", "", StringComparison.Ordinal).Trim();

    [Fact]
    public void Without_policies_every_pod_reaches_every_pod()
    {
        Assert.Equal(Expect(AllReach), Matrix(State(), "TCP", 80));
    }

    [Fact]
    public void A_default_deny_ingress_isolates_every_pod_of_its_namespace_and_no_other()
    {
        var state = State(Policy("x", "deny", All, ["Ingress"]));

        Assert.Equal(Expect("""
            XXX......
            XXX......
            XXX......
            XXX......
            XXX......
            XXX......
            XXX......
            XXX......
            XXX......
            """), Matrix(state, "TCP", 80));
    }

    [Fact]
    public void A_podSelector_peer_allows_pods_of_the_policys_namespace_only()
    {
        var state = State(Policy("x", "allow-b", Labels("pod", "a"), ["Ingress"],
            ingress: [new() { From = [new() { PodSelector = Labels("pod", "b") }] }]));

        Assert.Equal(Expect("""
            X........
            .........
            X........
            X........
            X........
            X........
            X........
            X........
            X........
            """), Matrix(state, "TCP", 80));
    }

    [Fact]
    public void A_namespaceSelector_peer_allows_every_pod_of_the_selected_namespaces()
    {
        var state = State(Policy("x", "allow-y", Labels("pod", "a"), ["Ingress"],
            ingress: [new() { From = [new() { NamespaceSelector = Labels("ns", "y") }] }]));

        Assert.Equal(Expect("""
            X........
            X........
            X........
            .........
            .........
            .........
            X........
            X........
            X........
            """), Matrix(state, "TCP", 80));
    }

    [Fact]
    public void Both_selectors_in_one_peer_are_anded_and_two_peers_are_ored()
    {
        var anded = State(Policy("x", "and", Labels("pod", "a"), ["Ingress"],
            ingress: [new() { From = [new() { NamespaceSelector = Labels("ns", "y"), PodSelector = Labels("pod", "c") }] }]));
        var ored = State(Policy("x", "or", Labels("pod", "a"), ["Ingress"],
            ingress: [new() { From = [new() { NamespaceSelector = Labels("ns", "y") }, new() { PodSelector = Labels("pod", "c") }] }]));

        Assert.Equal("XXXXX.XXX", Column(anded, 0));
        Assert.Equal("XX....XXX", Column(ored, 0));
    }

    [Fact]
    public void Policies_are_additive_a_second_policy_widens_what_the_first_allows()
    {
        var state = State(
            Policy("x", "deny", All, ["Ingress"]),
            Policy("x", "allow-z", Labels("pod", "b"), ["Ingress"], ingress: [new() { From = [new() { NamespaceSelector = Labels("ns", "z") }] }]));

        Assert.Equal("XXXXXX...", Column(state, 1));
        Assert.Equal("XXXXXXXXX", Column(state, 0));
    }

    [Fact]
    public void A_named_port_resolves_against_the_target_pods_container_ports()
    {
        var state = State(Policy("x", "named", Labels("pod", "a"), ["Ingress"], ingress: [new() { Ports = [Tcp("serve-81-tcp")] }]));

        Assert.Equal("XXXXXXXXX", Column(state, 0, "TCP", 80));
        Assert.Equal(".........", Column(state, 0, "TCP", 81));
    }

    [Fact]
    public void An_endPort_allows_the_whole_range_and_nothing_past_it()
    {
        var state = State(Policy("x", "range", Labels("pod", "a"), ["Ingress"], ingress: [new() { Ports = [Tcp(80, 81)] }]));

        Assert.Equal(".........", Column(state, 0, "TCP", 80));
        Assert.Equal(".........", Column(state, 0, "TCP", 81));
        Assert.Equal("XXXXXXXXX", Column(state, 0, "TCP", 82));
    }

    [Fact]
    public void A_protocol_is_part_of_the_port_udp_80_does_not_allow_tcp_80()
    {
        var state = State(Policy("x", "udp", Labels("pod", "a"), ["Ingress"], ingress: [new() { Ports = [Udp(80)] }]));

        Assert.Equal(".........", Column(state, 0, "UDP", 80));
        Assert.Equal("XXXXXXXXX", Column(state, 0, "TCP", 80));
    }

    [Fact]
    public void An_egress_ipBlock_with_an_except_allows_the_block_less_the_hole()
    {
        var state = State(Policy("x", "egress", Labels("pod", "a"), ["Egress"],
            egress: [new() { To = [new() { IpBlock = new IPBlock { Cidr = "10.244.0.0/16", Except = [Cidr(1, 1)] } }] }]));

        Assert.Equal("....X....", Matrix(state, "TCP", 80).Split('\n')[0]);
        var rules = NetworkPolicyCompiler.CompilePod(state, Pod("x/a"));
        Assert.False(rules.IngressIsolated);
        Assert.True(rules.EgressIsolated);
        Assert.True(rules.AllowsEgress(Gateway, "UDP", 53));
        Assert.False(rules.AllowsEgress(Ipv4Range.FromCidr("192.0.2.1/32")!.Value.First, "TCP", 80));
    }

    [Fact]
    public void A_default_deny_egress_also_denies_dns_until_a_rule_allows_it_to_kube_system()
    {
        var deny = State(Policy("x", "deny", All, ["Egress"]));
        var dns = State(
            Policy("x", "deny", All, ["Egress"]),
            Policy("x", "dns", All, ["Egress"], egress: [new()
            {
                To = [new() { NamespaceSelector = Labels("kubernetes.io/metadata.name", "kube-system"), PodSelector = Labels("k8s-app", "kube-dns") }],
                Ports = [Udp("dns"), Tcp(53)],
            }]));

        Assert.False(NetworkPolicyCompiler.CompilePod(deny, Pod("x/b")).AllowsEgress(Gateway, "UDP", 53));
        Assert.True(NetworkPolicyCompiler.CompilePod(dns, Pod("x/b")).AllowsEgress(Gateway, "UDP", 53));
        Assert.True(NetworkPolicyCompiler.CompilePod(dns, Pod("x/b")).AllowsEgress(Gateway, "TCP", 53));
        Assert.False(NetworkPolicyCompiler.CompilePod(dns, Pod("x/b")).AllowsEgress(Pod("y/a").Ip, "UDP", 53));
        Assert.Equal("XXXXXXXXX", Matrix(dns, "TCP", 80).Split('\n')[1]);
    }

    [Fact]
    public void An_egress_named_port_resolves_against_each_destination_pod()
    {
        var state = State(Policy("x", "named-out", Labels("pod", "a"), ["Egress"], egress: [new() { Ports = [Tcp("serve-81-tcp")] }]));
        var rules = NetworkPolicyCompiler.CompilePod(state, Pod("x/a"));

        Assert.True(rules.AllowsEgress(Pod("z/c").Ip, "TCP", 81));
        Assert.False(rules.AllowsEgress(Pod("z/c").Ip, "TCP", 80));
        // No known pod there has the port: nothing to resolve it to.
        Assert.False(rules.AllowsEgress(Ipv4Range.FromCidr("192.0.2.1/32")!.Value.First, "TCP", 81));
    }

    [Fact]
    public void An_egress_only_policy_leaves_ingress_open_and_policyTypes_default_from_the_rules()
    {
        var egressOnly = State(Policy("x", "out", Labels("pod", "a"), ["Egress"]));
        var defaulted = State(Policy("x", "both", Labels("pod", "a"), null, egress: [new() { To = [new() { PodSelector = Labels("pod", "b") }] }]));

        // Only x/a itself is kept from x/a: its own egress allows nothing.
        Assert.Equal("X........", Column(egressOnly, 0));
        Assert.Equal("X.XXXXXXX", Matrix(defaulted, "TCP", 80).Split('\n')[0]);
        // Ingress too: a policy with egress rules and no policyTypes isolates both ways, with no ingress rule.
        Assert.Equal("XXXXXXXXX", Column(defaulted, 0));
    }

    [Fact]
    public void A_peer_that_selects_no_pod_allows_nothing_rather_than_everything()
    {
        var state = State(Policy("x", "nobody", Labels("pod", "a"), ["Ingress"], ingress: [new() { From = [new() { PodSelector = Labels("pod", "nobody") }] }]));

        Assert.Equal("XXXXXXXXX", Column(state, 0));
    }

    [Fact]
    public void An_ingress_rule_with_neither_peers_nor_ports_allows_everything()
    {
        var state = State(Policy("x", "deny", All, ["Ingress"]), Policy("x", "open", Labels("pod", "c"), ["Ingress"], ingress: [new()]));

        Assert.Equal(".........", Column(state, 2));
        Assert.Equal("XXXXXXXXX", Column(state, 1));
    }

    /// <summary>Who reaches the server at index <paramref name="server"/> (the column of the matrix, top to bottom).</summary>
    private static string Column(PolicyState state, int server, string protocol = "TCP", int port = 80) =>
        string.Concat(Matrix(state, protocol, port).Split('\n').Select(row => row[server]));
}
