using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.NodeIpam;

internal static partial class NodeIpamLog
{
    [LoggerMessage(EventId = 7501, Level = LogLevel.Information, Message = "node {Node}: pod CIDR {Cidr} assigned")]
    public static partial void Assigned(ILogger logger, string node, string cidr);

    [LoggerMessage(EventId = 7502, Level = LogLevel.Warning, Message = "node {Node}: no pod CIDR left in {ClusterCidr} ({Capacity} subnets, all taken)")]
    public static partial void Exhausted(ILogger logger, string node, string clusterCidr, int capacity);

    [LoggerMessage(EventId = 7503, Level = LogLevel.Warning, Message = "node {Node}: pod CIDR {Cidr} could not be assigned: {Reason}")]
    public static partial void AssignmentFailed(ILogger logger, string node, string cidr, string reason);

    [LoggerMessage(EventId = 7504, Level = LogLevel.Warning, Message = "node {Node}: its pod CIDR {Cidr} is {Problem}")]
    public static partial void ForeignCidr(ILogger logger, string node, string cidr, string problem);

    [LoggerMessage(EventId = 7505, Level = LogLevel.Information, Message = "node {Node} is gone: pod CIDR {Cidr} released")]
    public static partial void Released(ILogger logger, string node, string cidr);

    [LoggerMessage(EventId = 7506, Level = LogLevel.Information, Message = "node IPAM: {Used} of {Capacity} pod CIDRs of {ClusterCidr} in use by existing nodes")]
    public static partial void Rebuilt(ILogger logger, int used, int capacity, string clusterCidr);
}
