namespace Axolotl.Controllers.NodeIpam;

/// <summary>kube-controller-manager's --allocate-node-cidrs, --cluster-cidr and --node-cidr-mask-size (range allocator, IPv4).</summary>
public sealed record NodeIpamOptions
{
    public const string DefaultClusterCidr = "10.244.0.0/16";

    public string ClusterCidr { get; init; } = DefaultClusterCidr;

    public int NodeCidrMaskSize { get; init; } = 24;

    /// <summary>Upstream's cidrUpdateRetries: conflicting writes retried before the node is queued again.</summary>
    public int UpdateRetries { get; init; } = 3;
}
