using Axolotl.Api.Core;
using Axolotl.Api.Defaulting;
using Axolotl.Api.Meta;
using Axolotl.Api.Networking;
using Axolotl.Api.Validation;

namespace Axolotl.Agent.Tests.NetworkPolicies;

/// <summary>The API's rules for NetworkPolicies (upstream's messages), beside the compiler that relies on them.</summary>
public sealed class NetworkPolicyValidationTests
{
    private static List<string> Errors(NetworkPolicySpec spec) =>
        [.. NetworkPolicyValidation.Validate(new NetworkPolicy { Metadata = new ObjectMeta { Name = "p", Namespace = "default" }, Spec = spec }, null).Select(e => e.ToString())];

    [Fact]
    public void Ports_peers_ipBlocks_and_policyTypes_get_upstreams_field_errors()
    {
        var errors = Errors(new NetworkPolicySpec
        {
            PodSelector = new LabelSelector(),
            PolicyTypes = ["Ingress", "Sideways"],
            Ingress =
            [
                new()
                {
                    Ports =
                    [
                        new() { Protocol = "ICMP", Port = 80 },
                        new() { Port = 90, EndPort = 80 },
                        new() { Port = "http", EndPort = 90 },
                        new() { EndPort = 90 },
                        new() { Port = 70000 },
                    ],
                    From =
                    [
                        new(),
                        new() { IpBlock = new IPBlock { Cidr = "10.0.0.0/16", Except = ["10.1.0.0/24", "10.0.0.0/16"] }, PodSelector = new LabelSelector() },
                    ],
                },
            ],
            Egress = [new() { To = [new() { IpBlock = new IPBlock { Cidr = "not-a-cidr" } }, new() { IpBlock = new IPBlock() }] }],
        });

        string[] expected =
        [
            "spec.ingress[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"TCP\", \"UDP\", \"SCTP\"",
            "spec.ingress[0].ports[1].endPort: Invalid value: 90: must be greater than or equal to `port`",
            "spec.ingress[0].ports[2].endPort: Invalid value: 90: may not be specified when `port` is non-numeric",
            "spec.ingress[0].ports[3].endPort: Invalid value: 90: may not be specified when `port` is not specified",
            "spec.ingress[0].ports[4].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
            "spec.ingress[0].from[0]: Required value: must specify a peer",
            "spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: \"10.1.0.0/24\": must be a strict subset of `cidr`",
            "spec.ingress[0].from[1].ipBlock.except[1]: Invalid value: \"10.0.0.0/16\": must be a strict subset of `cidr`",
            "spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer",
            "spec.egress[0].to[0].ipBlock.cidr: Invalid value: \"not-a-cidr\": not a valid CIDR",
            "spec.egress[0].to[1].ipBlock.cidr: Required value",
            "spec.policyTypes[1]: Unsupported value: \"Sideways\": supported values: \"Ingress\", \"Egress\"",
        ];
        Assert.Equal(expected, errors);
    }

    [Fact]
    public void A_valid_policy_passes_and_defaulting_fills_protocol_policyTypes_and_podSelector()
    {
        var policy = new NetworkPolicy
        {
            Metadata = new ObjectMeta { Name = "p", Namespace = "default" },
            Spec = new NetworkPolicySpec
            {
                Egress = [new() { Ports = [new() { Port = 53 }], To = [new() { NamespaceSelector = new LabelSelector(), PodSelector = new LabelSelector() }] }],
            },
        };

        ObjectDefaulter.Apply(policy);

        Assert.Empty(NetworkPolicyValidation.Validate(policy, null));
        Assert.Equal(new[] { "Ingress", "Egress" }, policy.Spec!.PolicyTypes!);
        Assert.Equal("TCP", policy.Spec.Egress![0].Ports![0].Protocol);
        Assert.NotNull(policy.Spec.PodSelector);
    }
}
