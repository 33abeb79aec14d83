using Axolotl.E2E.Tests.Hosts;
using Xunit.Abstractions;

namespace Axolotl.E2E.Tests.NetworkPolicies.Matrix;

/// <summary>The matrix and the policy under traffic over host-gw routes (hosts on one LAN).</summary>
[Collection(HostLabCollection.Name)]
public sealed class NetworkPolicyOverHostGwTests(HostGwNetpolLab lab, ITestOutputHelper output)
    : NetworkPolicyAcrossHostsTests(lab, output), IClassFixture<HostGwNetpolLab>
{
    [Fact]
    public Task A_policy_written_under_continuous_traffic_takes_effect_without_flapping_either_way() => PolicyUnderContinuousTrafficAsync();
}

/// <summary>The matrix over VXLAN, hosts behind a router: the policy table sees the decapsulated pod traffic.</summary>
[Collection(HostLabCollection.Name)]
public sealed class NetworkPolicyOverVxlanTests(VxlanNetpolLab lab, ITestOutputHelper output)
    : NetworkPolicyAcrossHostsTests(lab, output), IClassFixture<VxlanNetpolLab>;
