using Axolotl.Agent;
using Axolotl.Agent.Server;
using Axolotl.Client;
using Axolotl.Proxy.GatewayApi;
using Axolotl.Proxy.Ingress;
using Microsoft.Extensions.Logging;

namespace Axolotl.Commands;

/// <summary>
/// One node, composed alike by `axolotl server` and `axolotl agent`: the node agent, its kubelet HTTPS
/// endpoint, the service proxy with cluster DNS (none for a fake runtime), routes to the other nodes' pods
/// and the rotation of the node's certificates, started in that order (<see cref="LocalAgent"/> builds
/// each from the flags) and stopped in the reverse one. A part that fails to start stops those started
/// before it. Stopping leaves the node's containers running and its routes and bridge in place, for the
/// next start to adopt.
/// </summary>
public sealed class NodeHost : IAsyncDisposable
{
    private readonly StartedParts _parts;

    private NodeHost(NodeAgent agent, StartedParts parts)
    {
        Agent = agent;
        _parts = parts;
    }

    public NodeAgent Agent { get; }

    /// <summary>Starts the node with <paramref name="client"/> (the node's own identity); <paramref name="ct"/> is the process's shutdown.</summary>
    public static async Task<NodeHost> StartAsync(CommandLine args, string dataDir, KubeClient client, NodeHostOptions options, ILoggerFactory logging, TimeProvider clock,
        CancellationToken ct)
    {
        var log = logging.CreateLogger("axolotl");
        var parts = new StartedParts(log);
        // The agent stops watching but leaves containers running: the next start re-adopts them. Then what no
        // surviving pod needs is removed (after the proxy and the routes have stopped).
        var agent = await parts.StartAsync("node agent", () => LocalAgent.StartAsync(args, dataDir, client, logging, clock, ct, args.Get("pod-cidr"), options.NodeName),
            async stopped =>
            {
                await stopped.DisposeAsync();
                await LocalAgent.CleanUpAfterStopAsync(stopped, dataDir, logging, clock);
            });
        // The agent's own HTTPS endpoint, which the API server proxies `kubectl logs` and `exec` to.
        await parts.StartAsync("kubelet server", async () =>
        {
            try
            {
                return await KubeletServer.StartAsync(
                    new KubeletServerOptions { Port = agent.Options.KubeletPort, ServingCertificate = () => options.Credentials.Serving!.Current, ClientCa = options.ClientCa },
                    new NodeAgentBackend(agent), clock, logging, ct);
            }
            catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                // Name the flag that owns this port: the generic "choose another --port" would point at the API server's.
                throw new ArgumentException($"cannot listen on the kubelet endpoint's port {agent.Options.KubeletPort}: address already in use (is another axolotl server or agent running? choose another --kubelet-port)", e);
            }
        });
        // A fake node runs no pods on this machine: nothing for a service proxy or DNS to reach. A stopped proxy
        // removes its interface and cluster IPs; the next start puts them back.
        if (!LocalAgent.IsFakeRuntime(args))
        {
            var proxy = await parts.StartAsync("service proxy",
                () => LocalAgent.StartProxyAsync(args, agent, options.ServiceCidr, options.ProxyClient ?? client, options.Informers, logging, clock, ct));
            // Held listeners (nftables mode, ADR 0030) follow the proxy's snapshots; stopped before it, closing every duplicate.
            if (agent.Context.HeldListeners is HeldListenerWiring held)
            {
                await parts.StartAsync("held listeners", () =>
                {
                    held.Start(agent, proxy, ct);
                    return Task.FromResult(held);
                });
            }
            // The Ingress controller forwards to the proxy's Service routes with the proxy's endpoint picker. It
            // needs an identity that may read TLS Secrets, which a node's own (node-authorized) client lacks: the
            // server's component user, or a joined node's system:axolotl-ingress-controller:NODE (ADR 0025).
            if (options.IngressClient is { } ingressClient && IngressFlags.Options(args, agent, options.IngressReadsSecretsByName) is { } ingress)
            {
                await parts.StartAsync("ingress controller", () => IngressController.StartAsync(ingressClient, options.Informers, ingress, proxy, logging, clock, ct));
            }
            // The Gateway API controller shares that identity and data plane; it binds only the ports Gateways ask for,
            // and idles until the gateway.networking.k8s.io CRDs are installed.
            if (options.IngressClient is { } gatewayClient)
            {
                var (gateway, forwarding) = GatewayFlags.Options(agent, options.IngressReadsSecretsByName);
                await parts.StartAsync("gateway controller", () => GatewayController.StartAsync(gatewayClient, options.Informers, gateway, forwarding, proxy, logging, clock, ct));
            }
        }
        // A stopped router leaves its routes (like the bridge): pods keep reaching other nodes until the next start adopts them.
        await parts.StartAsync("pod routes", () => Task.FromResult(LocalAgent.StartRouting(args, agent, client, logging, clock)));
        await parts.StartAsync("certificate rotation", () => Task.FromResult(options.Credentials.StartRotation(client, clock, log, ct)));
        return new NodeHost(agent, parts);
    }

    /// <summary>Stops the parts, last started first; a second call does nothing.</summary>
    public ValueTask DisposeAsync() => _parts.DisposeAsync();
}
