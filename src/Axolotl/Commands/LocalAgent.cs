using System.Globalization;
using Axolotl.Agent;
using Axolotl.Agent.Network;
using Axolotl.Agent.Node;
using Axolotl.Agent.Probes.Probers;
using Axolotl.Agent.Restart;
using Axolotl.Api.Meta;
using Axolotl.Client;
using Axolotl.Images;
using Axolotl.Images.Distribution;
using Axolotl.Proxy;
using Axolotl.Agent.Cleanup;
using Axolotl.Proxy.Balancing;
using Axolotl.Proxy.Standby;
using Axolotl.Runtime;
using Axolotl.Runtime.Fake;
using Axolotl.Runtime.Network;
using Microsoft.Extensions.Logging;

namespace Axolotl.Commands;

/// <summary>
/// Each part of a node, built from the node's flags: the node agent (the process runtime chosen by probing
/// the host, the image store with the bundled seed images, and the agent itself, which reaches the API like
/// any remote agent), its service proxy and its routes. <see cref="NodeHost"/> starts and stops them in
/// order for `axolotl server` and `axolotl agent`; fake nodes (<see cref="FakeNodes"/>) run the agent alone.
/// Each node gets its own cgroup root so several agents can share a machine. With `--runtime fake` the
/// node runs no processes and touches no host networking (see <see cref="FakeRuntime"/>).
/// </summary>
public static class LocalAgent
{
    /// <summary>`--cluster-cidr`: all nodes' pod CIDRs come from here (the server's node IPAM hands them out); pods may be routed to anything in it.</summary>
    public static string ClusterCidr(CommandLine args)
    {
        var cidr = args.Get("cluster-cidr") ?? Axolotl.Controllers.NodeIpam.NodeIpamOptions.DefaultClusterCidr;
        return Axolotl.Controllers.NodeIpam.CidrSet.Parse(cidr) is { Prefix: >= 8 and <= 28 }
            ? cidr
            : throw new ArgumentException($"invalid --cluster-cidr \"{cidr}\": want an IPv4 network a.b.c.0/n with n from 8 to 28 and no host bits set");
    }

    /// <summary>`--runtime`: "process" (the default: isolated or plain processes, whichever the host allows) or "fake".</summary>
    public static bool IsFakeRuntime(CommandLine args) => args.Get("runtime") switch
    {
        null or "process" => false,
        "fake" => true,
        var other => throw new ArgumentException($"invalid --runtime \"{other}\": want process or fake"),
    };

    /// <summary>`--proxy-mode`: relay (default) or nftables (ADR 0030).</summary>
    public static ProxyMode ProxyMode(CommandLine args)
    {
        var mode = ProxyModes.Parse(args.Get("proxy-mode"));
        return mode == Axolotl.Proxy.Standby.ProxyMode.Nftables && args.Get("proxy-balancing") == "least-connections"
            ? throw new ArgumentException("--proxy-balancing least-connections is the relay's: with --proxy-mode nftables the kernel picks endpoints at random, as kube-proxy's nftables mode does; give one or the other")
            : mode;
    }

    /// <summary>`--pod-network`: host-gw (default) or vxlan; an agent takes the cluster's from the server (AgentDefaults).</summary>
    public static PodNetworkMode PodNetwork(CommandLine args) => PodNetworkModes.Parse(args.Get("pod-network"));

    /// <summary>
    /// Starts the node agent once the node has its pod CIDR: <paramref name="requestedPodCidr"/> (an
    /// explicit --pod-cidr, checked against the cluster CIDR and other nodes), the one its Node already
    /// has, or the one the server's node IPAM assigns (waited for; see <see cref="PodCidrAssignment"/>).
    /// </summary>
    public static async Task<NodeAgent> StartAsync(CommandLine args, string dataDir, KubeClient client, ILoggerFactory logging, TimeProvider clock, CancellationToken ct, string? requestedPodCidr = null, string? nodeName = null, Task<ImageService>? sharedImages = null)
    {
        var clusterCidr = ClusterCidr(args);
        var defaults = new AgentOptions();
        var options = defaults with
        {
            NodeName = nodeName ?? args.Get("node-name") ?? defaults.NodeName,
            DataDir = Path.Combine(dataDir, "agent"),
            KubeletPort = args.GetInt("kubelet-port", defaults.KubeletPort),
            // Pair a short --node-monitor-grace-period with a short lease interval (upstream: 10 s and 40 s).
            LeaseRenewInterval = Duration(args.Get("node-lease-interval"), defaults.LeaseRenewInterval),
            Eviction = EvictionFlags(args),
            AllowedUnsafeSysctls = AllowedUnsafeSysctls(args.Get("allowed-unsafe-sysctls")),
            SeccompDefault = args.GetBool("seccomp-default", defaults.SeccompDefault),
        };
        var registered = await PodCidrAssignment.AwaitNodeAsync(client, options, requestedPodCidr, clusterCidr, clock, logging.CreateLogger("Axolotl.Agent.PodCidr"), ct);
        options = options with { PodCidr = PodCidrAssignment.CidrOf(registered)! };
        var images = ImageOptions(args, dataDir, options.DataDir);
        var backoff = new RestartBackoffOptions
        {
            Initial = Duration(args.Get("restart-backoff"), TimeSpan.FromSeconds(10)),
            Max = Duration(args.Get("restart-backoff-max"), TimeSpan.FromSeconds(300)),
        };
        backoff.Validate();
        if (IsFakeRuntime(args))
        {
            // No bridge, routes or cgroups: pods get addresses from the node's CIDR and "run" until deleted.
            var fake = new FakeRuntime(clock, new PodCidr(options.PodCidr)) { Behaviour = spec => FakeContainerBehaviour.FromEnvironment(spec.Environment) };
            // The shared store may still be importing (it opens while the nodes join): the node needs it only from here on.
            var shared = sharedImages is null ? null : await sharedImages.WaitAsync(ct);
            return await NodeAgent.StartAsync(client, options, fake, backoff, logging, clock, ct, new FakeProbeRunner(), imageOptions: images, sharedImages: shared, registered: registered);
        }
        var bridge = args.Get("bridge") ?? "axl0";
        var cgroupRoot = $"axolotl-{options.NodeName}";
        // VXLAN carries 50 bytes more per packet: pods (and their bridge) send that much less.
        int? podMtu = PodNetwork(args) == PodNetworkMode.Vxlan && RuntimeProbe.Check().Tools is not null ? await VxlanDevice.PodMtuAsync(Axolotl.Agent.Node.NodeFacts.DetectIp(), ct) : null;
        var runtime = RuntimeProbe.Create(new ProcessRuntimeOptions
        {
            CgroupRoot = cgroupRoot,
            BridgeName = bridge,
            PodCidr = options.PodCidr,
            PodMtu = podMtu,
            StateDirectory = Path.Combine(dataDir, "runtime"),
            LogMaxBytes = options.LogMaxBytes,
            NodeResolvConf = EgressFlags.NodeResolvConf(args),
            TimeProvider = clock,
        });
        Axolotl.Agent.NetworkPolicies.NetworkPolicyEnforcer? policies = null;
        if (runtime is ProcessRuntime)
        {
            // The runtime's cgroup root holds every pod: it is the node's pods cgroup (the kubelet's kubepods).
            options = options with { PodsCgroup = cgroupRoot };
            // What this node puts on the host, under which names (reset and stop find it there), and what an
            // earlier run left that no pod to re-adopt needs, removed before any pod starts (ADR 0015).
            var record = HostRecord(args, dataDir, options, bridge, cgroupRoot, clusterCidr);
            record.Save();
            await NodeHostCleanup.BeforeStartAsync(record, clock, logging.CreateLogger("Axolotl.Agent.Cleanup"), ct);
            // The bridge exists from the start (not only with the first pod), so pods of other nodes on
            // this machine can be routed to this node's pods as soon as it is Ready.
            await NodeNetwork.EnsureAsync(bridge, new PodCidr(options.PodCidr), ct, podMtu);
            await NodeRouting.EnsureAsync(bridge, clusterCidr, ct);
            // Pods reach the outside masqueraded to the node, with a per-pod connection cap (ADR 0018).
            await NodeEgress.TryEnsureAsync(bridge, options.PodCidr, clusterCidr, record.ServiceCidr, EgressFlags.ConntrackMaxPerPod(args),
                logging.CreateLogger("Axolotl.Agent.Egress"), ct);
            // NetworkPolicy in the kernel before any pod (re-adopted or new) runs (ADR 0023).
            policies = await StartNetworkPolicyAsync(client, options.NodeName, bridge, new PodCidr(options.PodCidr).Gateway, record.ServiceCidr, logging, clock, ct);
        }
        // In nftables mode the node holds its endpoint pods' listening sockets, so a killed app's queue is not reset (ADR 0030);
        // the agent knows from the start (its lanes never arm such a pod), the proxy's side starts with the proxy (NodeHost).
        var held = runtime is ProcessRuntime process && ProxyMode(args) == Axolotl.Proxy.Standby.ProxyMode.Nftables
            ? new HeldListenerWiring(process, clock, logging.CreateLogger("Axolotl.Proxy.HeldListeners"))
            : null;
        // Its service proxy hears of unready pods from the agent directly (ADR 0003; StartProxyAsync).
        return await NodeAgent.StartAsync(client, options, runtime, backoff, logging, clock, ct, readiness: new AgentToProxyReadiness(new LocalPodReadiness()),
            imageOptions: images, networkGate: policies, heldListeners: held, registered: registered);
    }

    /// <summary>
    /// The node's NetworkPolicy enforcement, its table installed once the informers have listed; null (with
    /// one warning saying what it costs) on a host whose nft refuses it, as the egress table does.
    /// </summary>
    private static async Task<Axolotl.Agent.NetworkPolicies.NetworkPolicyEnforcer?> StartNetworkPolicyAsync(KubeClient client, string nodeName, string bridge, string gateway,
        string? serviceCidr, ILoggerFactory logging, TimeProvider clock, CancellationToken ct)
    {
        var enforcer = new Axolotl.Agent.NetworkPolicies.NetworkPolicyEnforcer(client, nodeName, bridge, gateway, serviceCidr, clock, logging);
        try
        {
            await enforcer.StartAsync(ct);
            return enforcer;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            await enforcer.DisposeAsync();
            var log = logging.CreateLogger("Axolotl.Agent.NetworkPolicy");
            if (log.IsEnabled(LogLevel.Warning))
            {
                log.LogWarning("network policy: NetworkPolicies are NOT enforced on this node (install nftables to enforce them): {Reason}", e.Message);
            }
            return null;
        }
    }

    private static NodeHostRecord HostRecord(CommandLine args, string dataDir, AgentOptions options, string bridge, string cgroupRoot, string clusterCidr) => new()
    {
        DataDir = Path.GetFullPath(dataDir),
        NodeName = options.NodeName,
        Bridge = bridge,
        CgroupRoot = cgroupRoot,
        PodCidr = options.PodCidr,
        Gateway = new PodCidr(options.PodCidr).Gateway,
        ClusterCidr = clusterCidr,
        PodNetwork = PodNetworkModes.Name(PodNetwork(args)),
        ServiceInterface = ServiceInterfaceName(bridge),
        ServiceCidr = args.Get("service-cidr") ?? Axolotl.ApiServer.Admission.ServiceAllocator.DefaultServiceCidr,
        ServiceStandbyTable = Axolotl.Proxy.Standby.StandbyTable.QualifiedTableName(bridge),
    };

    /// <summary>
    /// After a clean stop (the agent, its proxy and routes disposed): a node that ran real pods keeps what
    /// the surviving pods need, says so in one line, and removes everything else it made (ADR 0015).
    /// </summary>
    public static async Task CleanUpAfterStopAsync(NodeAgent agent, string dataDir, ILoggerFactory logging, TimeProvider clock)
    {
        if (Axolotl.Agent.Metrics.InstrumentedRuntime.Unwrap(agent.Context.Runtime) is ProcessRuntime && NodeHostRecord.Load(dataDir) is { } record)
        {
            await NodeHostCleanup.AfterStopAsync(record, clock, logging.CreateLogger("Axolotl.Agent.Cleanup"), CancellationToken.None);
        }
    }

    /// <summary>--allowed-unsafe-sysctls a,b*,…: each must be known to be namespaced, as the kubelet checks at start.</summary>
    private static string[] AllowedUnsafeSysctls(string? value)
    {
        var entries = (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        try
        {
            _ = new Axolotl.Agent.Pods.Security.SysctlAllowlist(entries);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"--allowed-unsafe-sysctls: {e.Message}", e);
        }

        return entries;
    }

    /// <summary>Where the build puts the seed images' OCI layout, next to the axolotl binary.</summary>
    public const string SeedImagesDirectory = "seed-images";

    /// <summary>
    /// One image store for every fake node of the process, under DIR/image-store with DIR/images as its
    /// airgap folder: the seed images are imported once, not once per node (736 names each), and an
    /// image is unpacked once for all of them. Their pods run nothing, so nothing is lost by sharing.
    /// </summary>
    public static Task<ImageService> OpenSharedImagesAsync(CommandLine args, string dataDir, ILoggerFactory logging, TimeProvider clock, CancellationToken ct) =>
        NodeAgent.OpenImagesAsync(new AgentOptions { DataDir = dataDir }, ImageOptions(args, dataDir, dataDir), clock, logging, ct);

    /// <summary>
    /// The node's image store and registry access: `--private-registry FILE` (k3s's registries.yaml
    /// shape; default DATA/registries.yaml when it exists) and the node's own credentials in
    /// DATA/config.json (a docker config, as the kubelet reads one from its root directory).
    /// </summary>
    private static ImageServiceOptions ImageOptions(CommandLine args, string dataDir, string nodeDir)
    {
        var registriesFile = args.Get("private-registry") ?? Path.Combine(dataDir, "registries.yaml");
        var registries = RegistryHosts.Empty;
        if (File.Exists(registriesFile))
        {
            try
            {
                registries = RegistryHosts.FromJson(Axolotl.ApiServer.Http.YamlToJson.Convert(File.ReadAllText(registriesFile)));
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or System.Text.Json.JsonException)
            {
                throw new ArgumentException($"--private-registry {registriesFile}: {e.Message}", e);
            }
        }
        else if (args.Get("private-registry") is not null)
        {
            throw new ArgumentException($"--private-registry {registriesFile}: no such file");
        }

        var credentialsFile = Path.Combine(dataDir, "config.json");
        return new ImageServiceOptions
        {
            Root = Path.Combine(nodeDir, ImageServiceOptions.StoreDirectoryName),
            Registries = registries,
            Airgap = args.GetBool("airgap", false),
            // The seed images the build made next to the binary (./axolotl builds them; ADR 0007).
            BundledLayouts = Directory.Exists(Path.Combine(AppContext.BaseDirectory, SeedImagesDirectory)) ? [Path.Combine(AppContext.BaseDirectory, SeedImagesDirectory)] : [],
            NodeCredentials = File.Exists(credentialsFile) ? DockerConfigCredentials.FromConfigFile(File.ReadAllBytes(credentialsFile)) : [],
        };
    }

    /// <summary>
    /// Routing to the other nodes' pods in the cluster's mode (host-gw: routes via their InternalIPs; vxlan: the
    /// overlay), for a node that runs real pods; null for a fake or plain-process node, which has no pod network.
    /// </summary>
    public static IPodRouter? StartRouting(CommandLine args, NodeAgent agent, KubeClient client, ILoggerFactory logging, TimeProvider clock)
    {
        if (Axolotl.Agent.Metrics.InstrumentedRuntime.Unwrap(agent.Context.Runtime) is not ProcessRuntime runtime)
        {
            return null;
        }
        var cidr = new PodCidr(agent.Options.PodCidr);
        IPodRouter router = PodNetwork(args) == PodNetworkMode.Vxlan
            ? new VxlanRouter(client, agent.Options.NodeName, agent.Context.HostIp, cidr, runtime.PodMtu ?? 1450, clock, logging, ClusterCidr(args))
            : new HostGatewayRouter(client, agent.Options.NodeName, agent.Context.HostIp, cidr, clock, logging, ClusterCidr(args));
        router.Start();
        return router;
    }

    /// <summary>
    /// The service proxy that runs with the agent: cluster IPs from <paramref name="serviceCidr"/> on an
    /// interface named after the node's bridge (so each node on a machine has its own), node ports on
    /// 127.0.0.1, the pod gateway (pods reach node ports there) and the node's own addresses.
    /// </summary>
    /// <param name="informers">The process's shared informers (a server's), or null for informers of the proxy's own.</param>
    public static Task<ServiceProxy> StartProxyAsync(CommandLine args, NodeAgent agent, string serviceCidr, KubeClient client, Axolotl.Client.Informers.SharedInformerFactory? informers,
        ILoggerFactory logging, TimeProvider clock, CancellationToken ct)
    {
        var bridge = args.Get("bridge") ?? "axl0";
        var balancing = args.Get("proxy-balancing") switch
        {
            null or "round-robin" => BalancingMode.RoundRobin,
            "least-connections" => BalancingMode.LeastConnections,
            var other => throw new ArgumentException($"invalid --proxy-balancing \"{other}\": want round-robin or least-connections"),
        };
        var options = new ServiceProxyOptions
        {
            NodeName = agent.Options.NodeName,
            ServiceCidr = serviceCidr,
            InterfaceName = ServiceInterfaceName(bridge),
            // Serves the Services' TCP frontends from the kernel while this process is down (ADR 0026), on a node whose host
            // record names it, since the host cleanup (not the proxy) removes it.
            StandbyTable = Axolotl.Agent.Metrics.InstrumentedRuntime.Unwrap(agent.Context.Runtime) is ProcessRuntime
                ? Axolotl.Proxy.Standby.StandbyTable.TableName(bridge)
                : null,
            // ... or, with --proxy-mode nftables, serves them from the kernel outright (ADR 0030); pod clients keep their address.
            Mode = ProxyMode(args),
            ClusterCidr = ClusterCidr(args),
            // ... and a connection to one of this node's pods keeps its client's address (only another node's pod needs the masquerade).
            PodBridge = bridge,
            NodePortAddresses = [System.Net.IPAddress.Loopback, System.Net.IPAddress.Parse(new PodCidr(agent.Options.PodCidr).Gateway)],
            Balancing = balancing,
            LocalReadiness = (agent.Context.Readiness.Observer as AgentToProxyReadiness)?.Board,
            EndpointSliceChanged = agent.Context.Readiness.Removals is { } removals ? removals.SliceChanged : null,
            // Cluster DNS on the pod gateway: the address every pod's resolv.conf names.
            DnsAddresses = [System.Net.IPAddress.Parse(new PodCidr(agent.Options.PodCidr).Gateway)],
            // Names outside the cluster domain go to the node's resolvers (CoreDNS forward . /etc/resolv.conf).
            DnsUpstreams = EgressFlags.Upstreams(EgressFlags.NodeResolvConf(args)),
            // NetworkPolicy for connections through Services: the relay asks before it connects (ADR 0023).
            AdmitConnection = agent.Context.NetworkGate is Axolotl.Agent.NetworkPolicies.NetworkPolicyEnforcer policies ? policies.AdmitRelayed : null,
            // ... and a pod of another node sees the client pod as the source, as upstream's DNAT path shows it (ADR 0023).
            BackendMark = agent.Context.NetworkGate is Axolotl.Agent.NetworkPolicies.NetworkPolicyEnforcer marks ? marks.RelayMark : null,
            InformerInitialBackoff = agent.Options.ApiRetryInitialBackoff,
            InformerMaxBackoff = agent.Options.ApiRetryMaxBackoff,
        };
        return ServiceProxy.StartAsync(client, informers, options, logging, clock, ct);
    }

    /// <summary>"BRIDGE-svc" when that fits the kernel's 15 characters, else a short stable name derived from it.</summary>
    public static string ServiceInterfaceName(string bridge)
    {
        var name = $"{bridge}-svc";
        if (name.Length <= 15)
        {
            return name;
        }
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(bridge));
        return $"axlsvc-{Convert.ToHexStringLower(hash)[..8]}";
    }

    /// <summary>--system-reserved, --kube-reserved and --eviction-*, the kubelet's flags; a bad value stops the start with the kubelet's reason.</summary>
    public static Axolotl.Agent.Eviction.EvictionConfig EvictionFlags(CommandLine args)
    {
        try
        {
            return Axolotl.Agent.Eviction.EvictionConfigParser.Parse(args.Get);
        }
        catch (FormatException e)
        {
            throw new ArgumentException(e.Message, e);
        }
    }

    /// <summary>Go durations ("500ms", "10s", "5m"); a bare number is seconds.</summary>
    internal static TimeSpan Duration(string? text, TimeSpan fallback) =>
        string.IsNullOrEmpty(text) ? fallback
        : GoDuration.TryParseOrSeconds(text, out var value) && value > TimeSpan.Zero ? value
        : throw new ArgumentException($"invalid duration \"{text}\": want e.g. 500ms, 10s or 5m");
}
