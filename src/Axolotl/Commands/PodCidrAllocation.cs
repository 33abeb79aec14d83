using System.Globalization;
using Axolotl.Api.Core;
using Axolotl.Client;

namespace Axolotl.Commands;

/// <summary>
/// A joining node's pod CIDR when none is given: the lowest /24 of the cluster CIDR that no Node
/// claims (spec.podCIDR/podCIDRs), the way the node IPAM controller hands them out. Two nodes joining
/// in the same instant could pick the same one; give --pod-cidr when starting several at once.
/// </summary>
public static class PodCidrAllocation
{
    public static async Task<string> NextFreeAsync(KubeClient client, string clusterCidr, CancellationToken ct)
    {
        var nodes = await client.Resource<Node>().ListAsync(null, null, ct);
        return NextFree(clusterCidr, nodes.Items.SelectMany(n => (n.Spec?.PodCIDRs ?? []).Append(n.Spec?.PodCIDR)).OfType<string>());
    }

    /// <summary>The first /24 in <paramref name="clusterCidr"/> (a /16) not in <paramref name="taken"/>.</summary>
    public static string NextFree(string clusterCidr, IEnumerable<string> taken)
    {
        var slash = clusterCidr.IndexOf('/', StringComparison.Ordinal);
        var octets = clusterCidr[..slash].Split('.');
        if (octets.Length != 4 || clusterCidr[(slash + 1)..] != "16")
        {
            throw new ArgumentException($"cluster CIDR must be a /16: {clusterCidr}", nameof(clusterCidr));
        }
        var used = taken.ToHashSet(StringComparer.Ordinal);
        for (var third = 0; third < 256; third++)
        {
            var candidate = string.Create(CultureInfo.InvariantCulture, $"{octets[0]}.{octets[1]}.{third}.0/24");
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException($"every /24 of {clusterCidr} is taken by a node");
    }
}
