using Axolotl.Api.Networking;

namespace Axolotl.Proxy.Ingress;

/// <summary>
/// What status.loadBalancer.ingress an Ingress should have after this node's say: its address added
/// where the Ingress is served here, removed where it no longer is, other nodes' entries kept (each
/// node's controller adds its own). Null: nothing to write. Pure.
/// </summary>
public static class IngressStatusPlan
{
    public static List<IngressLoadBalancerIngress>? Wanted(Api.Networking.Ingress ingress, bool served, string address)
    {
        var current = ingress.Status?.LoadBalancer?.Ingress ?? [];
        var listed = current.Any(e => e.Ip == address);
        if (served == listed)
        {
            return null;
        }
        var others = current.Where(e => e.Ip != address).Select(e => new IngressLoadBalancerIngress { Ip = e.Ip, Hostname = e.Hostname, Ports = e.Ports });
        return served
            ? [.. others.Append(new IngressLoadBalancerIngress { Ip = address }).OrderBy(e => e.Ip ?? e.Hostname, StringComparer.Ordinal)]
            : [.. others];
    }
}
