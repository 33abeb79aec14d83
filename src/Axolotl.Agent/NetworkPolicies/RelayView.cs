using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Axolotl.Agent.NetworkPolicies;

/// <summary>
/// One policy snapshot as the service proxy's relay asks it, per connection: the client pod's egress
/// and the backend pod's ingress, each pod's rules compiled on first use and kept until the next
/// snapshot replaces this view. An address that is no pod (the node, the outside) has no rules of its own. It also
/// says which connections the relay marks so that they leave with the client pod's address (<see cref="RelaySource"/>).
/// </summary>
internal sealed class RelayView
{
    private readonly PolicyState _state;
    private readonly Dictionary<uint, PolicyPod> _byIp;
    private readonly ConcurrentDictionary<uint, PodRules> _rules = new();
    private readonly HashSet<uint> _local;

    /// <param name="local">The addresses of this node's pods.</param>
    public RelayView(PolicyState state, IEnumerable<uint> local)
    {
        _state = state;
        _local = [.. local];
        _byIp = state.Pods.Where(p => p.Uid != "cluster-dns").GroupBy(p => p.Ip).ToDictionary(g => g.Key, g => g.First());
    }

    public bool Allows(IPAddress client, IPEndPoint backend, ProtocolType protocol = ProtocolType.Tcp)
    {
        // The relay carries TCP and UDP only (a Service refuses SCTP); anything else is judged as nothing can match it.
        var name = protocol == ProtocolType.Udp ? "UDP" : protocol == ProtocolType.Tcp ? "TCP" : protocol.ToString().ToUpperInvariant();
        var from = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        var to = backend.Address.IsIPv4MappedToIPv6 ? backend.Address.MapToIPv4() : backend.Address;
        if (!Ipv4Range.TryParseAddress(from.ToString(), out var source) || !Ipv4Range.TryParseAddress(to.ToString(), out var destination))
        {
            return true;
        }
        if (Rules(source) is { } egress && !egress.AllowsEgress(destination, name, backend.Port))
        {
            return false;
        }
        return Rules(destination) is not { } ingress || ingress.AllowsIngress(source, name, backend.Port);
    }

    /// <summary>The mark for the relay's connection: the client pod's when it is a pod of this node and the endpoint a pod of another; else null.</summary>
    public int? Mark(IPAddress client, IPEndPoint backend) =>
        Ipv4(client) is { } source && Ipv4(backend.Address) is { } destination &&
        _local.Contains(source) && _byIp.ContainsKey(destination) && !_local.Contains(destination)
            ? RelaySource.Mark(source)
            : null;

    private static uint? Ipv4(IPAddress address) =>
        Ipv4Range.TryParseAddress((address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString(), out var ip) ? ip : null;

    private PodRules? Rules(uint ip) =>
        _byIp.TryGetValue(ip, out var pod) ? _rules.GetOrAdd(ip, _ => NetworkPolicyCompiler.CompilePod(_state, pod)) : null;
}
