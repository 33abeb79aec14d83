using System.Collections.Concurrent;
using System.Net;

namespace Axolotl.Agent.NetworkPolicies;

/// <summary>
/// One policy snapshot as the service proxy's relay asks it, per connection: the client pod's egress
/// and the backend pod's ingress, each pod's rules compiled on first use and kept until the next
/// snapshot replaces this view. An address that is no pod (the node, the outside) has no rules of its own.
/// </summary>
internal sealed class RelayView
{
    private readonly PolicyState _state;
    private readonly Dictionary<uint, PolicyPod> _byIp;
    private readonly ConcurrentDictionary<uint, PodRules> _rules = new();

    public RelayView(PolicyState state)
    {
        _state = state;
        _byIp = state.Pods.Where(p => p.Uid != "cluster-dns").GroupBy(p => p.Ip).ToDictionary(g => g.Key, g => g.First());
    }

    public bool Allows(IPAddress client, IPEndPoint backend)
    {
        var from = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        var to = backend.Address.IsIPv4MappedToIPv6 ? backend.Address.MapToIPv4() : backend.Address;
        if (!Ipv4Range.TryParseAddress(from.ToString(), out var source) || !Ipv4Range.TryParseAddress(to.ToString(), out var destination))
        {
            return true;
        }
        if (Rules(source) is { } egress && !egress.AllowsEgress(destination, "TCP", backend.Port))
        {
            return false;
        }
        return Rules(destination) is not { } ingress || ingress.AllowsIngress(source, "TCP", backend.Port);
    }

    private PodRules? Rules(uint ip) =>
        _byIp.TryGetValue(ip, out var pod) ? _rules.GetOrAdd(ip, _ => NetworkPolicyCompiler.CompilePod(_state, pod)) : null;
}
