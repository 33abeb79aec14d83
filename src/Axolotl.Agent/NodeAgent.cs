using Axolotl.Agent.Eviction;
using Axolotl.Agent.Logs;
using Axolotl.Agent.Node;
using Axolotl.Agent.Pods;
using Axolotl.Agent.Probes;
using Axolotl.Agent.Probes.Probers;
using Axolotl.Agent.Recovery;
using Axolotl.Agent.Restart;
using Axolotl.Agent.Status;
using Axolotl.Agent.Volumes;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Hosting;
using Axolotl.Images;
using Axolotl.Runtime;
using Axolotl.Runtime.Seccomp;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent;

/// <summary>
/// The node agent: registers the Node, keeps its Lease and status fresh, and runs the pods bound to
/// it through the container runtime. Reaches the API only through <see cref="KubeClient"/>, so the
/// same code runs inside <c>axolotl server</c> and as a remote agent. Disposing it stops the agent
/// but leaves containers running: a new agent re-adopts them from the checkpoints.
/// </summary>
public sealed class NodeAgent : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly EventRecorder _events;
    private readonly PodManager _pods;
    private readonly EvictionManager? _eviction;
    private readonly Task _services;
    // The node's own loops; each one's body retries its own errors, so what escapes is unexpected and restarts it.
    private readonly List<BackgroundLoop> _loops = [];

    private NodeAgent(AgentOptions options, EventRecorder events, PodManager pods, NodeHeartbeat heartbeat, ContainerLogReader logs, PodAgentContext context, EvictionManager? eviction)
    {
        Options = options;
        _events = events;
        _pods = pods;
        Logs = logs;
        Context = context;
        _loops.Add(StartLoop("node-heartbeat", heartbeat.RunAsync));
        _loops.Add(StartLoop("image-garbage-collector", new ImageGarbageCollector(context.Images, pods.ImagesInUse, context.Time, context.Log).RunAsync));
        _eviction = eviction;
        if (eviction is not null)
        {
            _loops.Add(StartLoop("eviction-manager", eviction.RunAsync));
        }
        _services = context.Env.Services?.RunAsync(_stop.Token) ?? Task.CompletedTask;
        // Only a node that mounts volumes ever made a local-path directory to remove.
        if (context.Runtime.MountsVolumes)
        {
            _loops.Add(StartLoop("local-path-cleaner", new LocalPathCleaner(context.Client, options.NodeName, options.LocalPathRoot, context.Time, context.Log).RunAsync));
        }
    }

    private DelegateLoop StartLoop(string name, Func<CancellationToken, Task> body) =>
        DelegateLoop.StartNew(name, LoopFailurePolicy.RestartWithBackoff, body, Context.Time, Context.Log, _stop.Token);

    /// <summary>Node-pressure eviction and admission; null on a fake node (its pods use nothing).</summary>
    public EvictionManager? Eviction => _eviction;

    public AgentOptions Options { get; }

    /// <summary>Serves container logs (kubectl logs) for the API server's pods/log proxy.</summary>
    public ContainerLogReader Logs { get; }

    /// <summary>The pods this node runs: their workers, live handles (exec) and lanes.</summary>
    public PodManager Pods => _pods;

    public PodAgentContext Context { get; }

    /// <param name="probeRunner">Runs the pods' probes; null: the real probers against <paramref name="runtime"/>.</param>
    /// <param name="readiness">Hears readiness changes before the API does (the node's service proxy); null: nobody.</param>
    /// <param name="registered">The Node as the agent's registration last read or wrote it (its pod CIDR assignment); null: read it first.</param>
    /// <param name="heldListeners">The node's held listening sockets (nftables proxy mode, ADR 0030); null: none are held.</param>
    /// <param name="sharedImages">An image store opened once for every fake node of the process (<see cref="OpenImagesAsync"/>); null: the node opens its own from <paramref name="imageOptions"/>.</param>
    public static async Task<NodeAgent> StartAsync(
        KubeClient client,
        AgentOptions options,
        IContainerRuntime runtime,
        RestartBackoffOptions restartBackoff,
        ILoggerFactory logging,
        TimeProvider time,
        CancellationToken ct,
        IProbeRunner? probeRunner = null,
        IPodReadinessObserver? readiness = null,
        ImageServiceOptions? imageOptions = null,
        NetworkPolicies.IPodNetworkGate? networkGate = null,
        ImageService? sharedImages = null,
        IHeldListeners? heldListeners = null,
        Api.Core.Node? registered = null)
    {
        var log = logging.CreateLogger("Axolotl.Agent");
        if (log.IsEnabled(LogLevel.Information))
        {
            log.LogInformation("node agent {Node} starting; runtime mode: {Mode}", options.NodeName, runtime.Mode);
        }
        Directory.CreateDirectory(options.DataDir);
        var heartbeat = new NodeHeartbeat(client, options, runtime.Mode, time, logging.CreateLogger("Axolotl.Agent.Node"));
        if (sharedImages is not null)
        {
            // An open store: the registration's status lists the images already, instead of the first beat writing the status again to add them.
            heartbeat.Images = () => sharedImages.NodeImages();
        }
        await heartbeat.RegisterAsync(registered, ct);

        var events = new EventRecorder(client, new EventRecorderOptions { Component = "kubelet", Host = options.NodeName }, time, logging.CreateLogger("Axolotl.Agent.Events"));
        var paths = new LogPaths(options.DataDir);
        var pullBackoff = new ImagePullBackoff(new RestartBackoffOptions
        {
            Initial = options.ImagePullBackOffInitial,
            Max = options.ImagePullBackOffMax,
        }, time);
        PodManager? podManager = null;
        // A fake runtime has nothing to probe: its node passes a runner that answers without a network or a process.
        var images = sharedImages ?? await OpenImagesAsync(options, imageOptions, time, logging, ct);
        heartbeat.Images = () => images.NodeImages();
        var healing = new Metrics.HealingMetrics(options.NodeName);
        var kubelet = new Metrics.KubeletMetrics();
        // The pods' and probes' calls are counted (kubelet_runtime_operations_*); the eviction manager's
        // readings and the checks of the runtime's kind below see the runtime itself.
        var instrumented = new Metrics.InstrumentedRuntime(runtime, kubelet, time);
        var prober = probeRunner ?? new ProbeRunner(instrumented, time);
        var reports = new ReadinessReports(readiness ?? NoReadinessObserver.Instance) { Removals = new Metrics.ReadinessRemovalTracker(healing, time) };
        var probes = new ProbeManager(prober.RunAsync, events, time, logging.CreateLogger("Axolotl.Agent.Probes"), uid => podManager?.Lanes.Trigger(uid), prober as IDisposable)
        {
            Readiness = reports,
        };
        var configSource = new KubeConfigSource(client);
        var tokens = new Token.TokenManager(new Token.KubeTokenRequester(client), time, logging.CreateLogger("Axolotl.Agent.Token"));
        var volumes = new PodVolumeManager(paths, new VolumeContentResolver(configSource) { Tokens = tokens }, time) { LeaveServiceAccountVolumesEmpty = runtime is Runtime.Fake.FakeRuntime };
        // A fake node runs no process that could read the Services' variables.
        var serviceEnvironment = runtime is Runtime.Fake.FakeRuntime ? null : new ServiceEnvironment(client, time, logging.CreateLogger("Axolotl.Agent.Services"));
        var eviction = runtime is Runtime.Fake.FakeRuntime ? null : StartEviction(options, runtime, images, paths, () => podManager, events, heartbeat, time, logging);
        var context = new PodAgentContext(
            client,
            options,
            instrumented,
            images,
            new RestartTracker(restartBackoff, time),
            pullBackoff,
            new EnvResolver(configSource) { Services = serviceEnvironment },
            volumes,
            events,
            new PodStatusWriter(client, time, options.ApiRetryInitialBackoff, options.ApiRetryMaxBackoff),
            new CheckpointStore(options.DataDir),
            paths,
            time,
            logging.CreateLogger("Axolotl.Agent.Pods"),
            heartbeat.HostIp,
            probes)
        {
            Readiness = reports,
            ConfigSource = configSource,
            Healing = healing,
            Kubelet = kubelet,
            Admission = eviction,
            NetworkGate = networkGate,
            HeldListeners = heldListeners,
            Seccomp = new SeccompProfileResolver(
                Path.Combine(options.DataDir, "seccomp"), new SeccompProgramStore(Path.Combine(options.DataDir, "seccomp-programs")),
                options.SeccompDefault, SeccompProfileResolver.HostKernel),
        };
        // Off the start path: the first RuntimeDefault container then finds its program compiled. A fake node
        // compiles on first use instead: its containers are never started, and a hundred of them in one
        // process each compiling at start was a second of CPU in their join.
        if (runtime is not Runtime.Fake.FakeRuntime)
        {
            _ = Task.Run(context.Seccomp.WarmUp, ct);
        }
        var pods = podManager = new PodManager(context);
        await pods.StartAsync(ct);
        return new NodeAgent(options, events, pods, heartbeat, new ContainerLogReader(paths, time), context, eviction);
    }

    /// <summary>
    /// The node's own image store, with what its airgap folder (and, in airgap mode, the bundled seed
    /// images) hold imported, as k3s does before its kubelet starts: the first pods find them there.
    /// </summary>
    public static async Task<ImageService> OpenImagesAsync(AgentOptions options, ImageServiceOptions? imageOptions, TimeProvider time, ILoggerFactory logging, CancellationToken ct)
    {
        // An unpack stops before the image filesystem crosses the threshold that would make this node evict pods for it.
        var imageSettings = imageOptions ?? new ImageServiceOptions { Root = Path.Combine(options.DataDir, ImageServiceOptions.StoreDirectoryName) };
        if (imageSettings.UnpackSpace.ImageFsAvailable is null)
        {
            imageSettings = imageSettings with { UnpackSpace = imageSettings.UnpackSpace with { ImageFsAvailable = options.Eviction.ImageFsAvailable } };
        }

        var images = new ImageService(imageSettings, time, logging.CreateLogger("Axolotl.Agent.Images"));
        await images.ImportAirgapAsync(Path.Combine(options.DataDir, ImageServiceOptions.AirgapDirectoryName), ct);
        return images;
    }

    /// <summary>
    /// The kubelet's node protection: the agent's own oom_score_adj -999, the pods cgroup limited to
    /// allocatable before any pod starts, and the eviction manager whose conditions the Node reports.
    /// </summary>
    private static EvictionManager StartEviction(AgentOptions options, IContainerRuntime runtime, ImageService images, LogPaths paths, Func<PodManager?> pods,
        EventRecorder events, NodeHeartbeat heartbeat, TimeProvider time, ILoggerFactory logging)
    {
        var log = logging.CreateLogger("Axolotl.Agent.Eviction");
        var podsCgroup = options.PodsCgroup is { } name ? new PodsCgroup(name) : null;
        var signals = new NodeSignals(options.DataDir, images.Options.Root, podsCgroup);
        var capacity = new Dictionary<string, Api.Resources.Quantity>(StringComparer.Ordinal)
        {
            ["memory"] = Api.Resources.Quantity.FromBytes(signals.MemoryCapacityBytes),
            ["cpu"] = Api.Resources.Quantity.FromUnits(Environment.ProcessorCount),
        };
        NodeAllocatable.Validate(capacity, options.Eviction);
        if (podsCgroup is not null && !OomScore.ProtectSelf())
        {
            log.LogWarning("could not set the agent's oom_score_adj to {Score} (lowering it needs CAP_SYS_RESOURCE); containers' scores can only be raised above it", OomScore.Agent);
        }
        var manager = new EvictionManager(options.Eviction, signals, () => pods()?.Workers ?? [], runtime, paths,
            () => new ImageGarbageCollector(images, () => pods()?.ImagesInUse() ?? new HashSet<string>(), time, log) { HighThresholdPercent = 0, LowThresholdPercent = 0 }.Collect().Count,
            events, options.NodeName, time, log);
        manager.EnforceAllocatable();
        heartbeat.Pressure = () => manager.Conditions;
        manager.ConditionsChanged = async ct =>
        {
            try
            {
                await heartbeat.UpdateStatusAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The heartbeat loop writes it on its next beat.
                log.LogWarning("writing the node's pressure conditions failed: {Error}", e.Message);
            }
        };
        return manager;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var loop in _loops)
        {
            await loop.DisposeAsync();
        }
        try
        {
            await _services;
        }
        catch (OperationCanceledException)
        {
        }
        _eviction?.Dispose();
        await Context.Probes.DisposeAsync();
        await _pods.DisposeAsync();
        if (Context.NetworkGate is IAsyncDisposable gate)
        {
            // Its table stays in the kernel: the pods that survive the stop stay isolated.
            await gate.DisposeAsync();
        }
        Context.Checkpoints.Flush();
        Context.StatusWriter.Dispose();
        await _events.DisposeAsync();
        Context.Healing?.Dispose();
        Context.Kubelet?.Dispose();
        _stop.Dispose();
    }
}
