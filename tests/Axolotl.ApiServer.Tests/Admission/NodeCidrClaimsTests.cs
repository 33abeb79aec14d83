using System.Text;
using System.Text.Json.Nodes;
using Axolotl.ApiServer.Admission;

namespace Axolotl.ApiServer.Tests.Admission;

/// <summary>The claim check reads other Nodes' pod CIDRs from their stored bytes; it must read what the decoded Node says.</summary>
public sealed class NodeCidrClaimsTests
{
    [Theory]
    [InlineData("""{"metadata":{"name":"a"},"spec":{"podCIDR":"10.244.1.0/24","podCIDRs":["10.244.1.0/24","fd00::/64"]}}""")]
    [InlineData("""{"status":{"images":[{"names":["x"],"sizeBytes":1}],"spec":{"podCIDR":"decoy"}},"spec":{"taints":[{"key":"k"}],"podCIDR":"10.244.2.0/24"}}""")]
    [InlineData("""{"spec":{"podCIDR":"10.244.3.0/24","podCIDRs":[]},"kind":"Node"}""")]
    [InlineData("""{"spec":{"podCIDR":"","podCIDRs":["",  "10.244.4.0/24", 7]}}""")]
    [InlineData("""{"metadata":{"name":"bare"},"spec":{}}""")]
    [InlineData("""{"metadata":{"name":"none"}}""")]
    public void Reading_the_stored_bytes_finds_the_cidrs_the_decoded_node_holds(string json)
    {
        var decoded = NodeCidrClaims.PodCidrs((JsonObject)JsonNode.Parse(json)!);

        Assert.Equal(decoded, NodeCidrClaims.StoredPodCidrs(Encoding.UTF8.GetBytes(json)));
    }
}
