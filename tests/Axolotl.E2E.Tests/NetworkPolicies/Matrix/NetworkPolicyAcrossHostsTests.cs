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

    [Fact]
    public Task Udp_through_a_service_reaches_an_isolated_pod_on_the_other_host_as_the_client_pod() => UdpThroughAServiceIsJudgedAsTheClientPodAcrossHostsAsync();
}

/// <summary>The matrix over VXLAN, hosts behind a router: the policy table sees the decapsulated pod traffic.</summary>
[Collection(HostLabCollection.Name)]
public sealed class NetworkPolicyOverVxlanTests(VxlanNetpolLab lab, ITestOutputHelper output)
    : NetworkPolicyAcrossHostsTests(lab, output), IClassFixture<VxlanNetpolLab>
{
    /// <summary>Over the overlay the translated flow's datagrams are encapsulated; the overlay's own datagram keeps the node's address.</summary>
    [Fact]
    public Task Udp_through_a_service_reaches_an_isolated_pod_on_the_other_host_as_the_client_pod() => UdpThroughAServiceIsJudgedAsTheClientPodAcrossHostsAsync();
}
