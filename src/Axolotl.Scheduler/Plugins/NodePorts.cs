using Axolotl.Api.Core;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Plugins;

/// <summary>
/// Rejects a node where a pod already uses one of the pod's host ports: same protocol and port, and
/// the host IPs overlap (either is 0.0.0.0 / unset, or they are equal).
/// </summary>
public sealed class NodePorts : IFilterPlugin
{
    public const string Reason = "node(s) didn't have free ports for the requested pod ports";

    private readonly LastPodMemo<List<HostPort>> _wanted = new(pod => [.. HostPorts(pod)]);

    public string Name => "NodePorts";

    public FilterResult Filter(Pod pod, NodeInfo node)
    {
        var wanted = _wanted.For(pod);
        if (wanted.Count == 0)
        {
            return FilterResult.Success;
        }
        var used = node.Pods.SelectMany(HostPorts).ToList();
        foreach (var port in wanted)
        {
            if (used.Any(u => u.Conflicts(port)))
            {
                return FilterResult.Unschedulable(Reason);
            }
        }
        return FilterResult.Success;
    }

    public static IEnumerable<HostPort> HostPorts(Pod pod) =>
        (pod.Spec?.InitContainers ?? []).Concat(pod.Spec?.Containers ?? [])
            .SelectMany(c => c.Ports ?? [])
            .Where(p => p.HostPort is > 0)
            .Select(p => new HostPort(string.IsNullOrEmpty(p.HostIP) ? "0.0.0.0" : p.HostIP, string.IsNullOrEmpty(p.Protocol) ? "TCP" : p.Protocol, p.HostPort!.Value));

    /// <summary>One host port in use: address, protocol, port.</summary>
    public readonly record struct HostPort(string Ip, string Protocol, int Port)
    {
        public bool Conflicts(HostPort other) =>
            Port == other.Port && Protocol == other.Protocol && (Ip == "0.0.0.0" || other.Ip == "0.0.0.0" || Ip == other.Ip);
    }
}
