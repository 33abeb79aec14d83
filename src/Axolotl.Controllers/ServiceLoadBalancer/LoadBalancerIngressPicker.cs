using Axolotl.Api.Core;

namespace Axolotl.Controllers.ServiceLoadBalancer;

/// <summary>
/// Decides the <c>status.loadBalancer.ingress</c> of a Service, the job a cloud's service controller
/// does. Axolotl's "load balancer" is the service proxy on every node, so the ingress is the address of
/// a Ready node: the one already published while it stays Ready (no flapping), otherwise the first
/// Ready node by name with an InternalIP (ExternalIP as a fallback). Services of another type lose any
/// ingress; a Service naming a loadBalancerClass belongs to another implementation and is left alone.
/// The proxy on the chosen node listens on that address and the Service's port.
/// </summary>
public static class LoadBalancerIngressPicker
{
    /// <summary>The ingress list to publish, or null when the current status should stay as it is.</summary>
    public static List<LoadBalancerIngress>? Desired(Service service, IEnumerable<Node> nodes)
    {
        var current = service.Status?.LoadBalancer?.Ingress ?? [];
        if (service.Spec?.Type != "LoadBalancer")
        {
            return current.Count == 0 ? null : [];
        }
        if (!string.IsNullOrEmpty(service.Spec.LoadBalancerClass))
        {
            return null;
        }
        var candidates = nodes
            .Where(IsReady)
            .OrderBy(n => n.Metadata.Name, StringComparer.Ordinal)
            .Select(Address)
            .Where(a => a is not null)
            .Select(a => a!)
            .ToList();
        if (candidates.Count == 0)
        {
            // No Ready node: keep what is published (the EXTERNAL-IP column keeps showing it) until one is back.
            return null;
        }
        var currentIp = current.FirstOrDefault()?.Ip;
        if (current.Count == 1 && currentIp is not null && candidates.Contains(currentIp))
        {
            return null;
        }
        var ip = currentIp is not null && candidates.Contains(currentIp) ? currentIp : candidates[0];
        // ipMode is left to the API's defaulting: the proxy listens on this IP itself, which is what "VIP" means.
        return [new LoadBalancerIngress { Ip = ip }];
    }

    public static bool IsReady(Node node) =>
        node.Metadata.DeletionTimestamp is null &&
        node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status == "True";

    /// <summary>The node's InternalIP, else its ExternalIP (IPv4 only).</summary>
    public static string? Address(Node node)
    {
        var addresses = node.Status?.Addresses ?? [];
        return addresses.FirstOrDefault(a => a.Type == "InternalIP" && IsIpv4(a.Address))?.Address
            ?? addresses.FirstOrDefault(a => a.Type == "ExternalIP" && IsIpv4(a.Address))?.Address;
    }

    private static bool IsIpv4(string address) =>
        System.Net.IPAddress.TryParse(address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
}
