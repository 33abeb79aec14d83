using System.Globalization;
using Axolotl.Controllers.NodeIpam;

namespace Axolotl.Commands;

/// <summary>kube-controller-manager's node IPAM flags on `axolotl server`.</summary>
public static partial class ServerCommand
{
    /// <summary>--allocate-node-cidrs (default true), --cluster-cidr and --node-cidr-mask-size; null when allocation is off.</summary>
    private static NodeIpamOptions? NodeIpamFrom(CommandLine args)
    {
        var clusterCidr = LocalAgent.ClusterCidr(args);
        var maskText = args.Get("node-cidr-mask-size") ?? "24";
        if (!int.TryParse(maskText, NumberStyles.None, CultureInfo.InvariantCulture, out var mask))
        {
            throw new ArgumentException($"invalid --node-cidr-mask-size \"{maskText}\": want a prefix length such as 24");
        }
        try
        {
            _ = new CidrSet(clusterCidr, mask);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"invalid --node-cidr-mask-size {maskText} for --cluster-cidr {clusterCidr}: {e.Message}", e);
        }
        return args.GetBool("allocate-node-cidrs", true) ? new NodeIpamOptions { ClusterCidr = clusterCidr, NodeCidrMaskSize = mask } : null;
    }
}
