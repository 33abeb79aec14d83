using Axolotl.Agent;
using Axolotl.Proxy.GatewayApi;
using Axolotl.Proxy.Ingress;

namespace Axolotl.Commands;

/// <summary>
/// The node's Gateway API controller's options. It has no flags of its own: the ports are the Gateways' listeners,
/// and the forwarding limits and timeouts are the Ingress controller's defaults (ADR 0028).
/// </summary>
public static class GatewayFlags
{
    /// <param name="secretsByName">Read certificateRefs' Secrets one by one (a joined node's identity), not through an informer of all.</param>
    public static (GatewayOptions Gateway, IngressOptions Forwarding) Options(NodeAgent agent, bool secretsByName = false)
    {
        var gateway = new GatewayOptions
        {
            NodeName = agent.Options.NodeName,
            StatusAddress = agent.Context.HostIp,
            InformerInitialBackoff = agent.Options.ApiRetryInitialBackoff,
            InformerMaxBackoff = agent.Options.ApiRetryMaxBackoff,
            ReadSecretsByName = secretsByName,
        };
        // Only the limits and timeouts are read: the Ingress ports play no part in a Gateway's listeners.
        var forwarding = new IngressOptions { NodeName = agent.Options.NodeName, StatusAddress = agent.Context.HostIp, HttpPort = 0, HttpsPort = 0 };
        return (gateway, forwarding);
    }
}
