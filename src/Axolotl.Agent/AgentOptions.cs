namespace Axolotl.Agent;

/// <summary>Node-level configuration of the agent. Defaults are the kubelet's.</summary>
public sealed record AgentOptions
{
    /// <summary>The Node's name; the host name when unset.</summary>
    public string NodeName { get; init; } = System.Net.Dns.GetHostName().ToLowerInvariant();

    /// <summary>Where logs and checkpoints live: pods/&lt;uid&gt;/….</summary>
    public string DataDir { get; init; } = "/var/lib/axolotl/agent";

    /// <summary>Where this node's local-path volumes live (announced on the Node; see docs/adr/0008-local-path-volumes.md).</summary>
    public string LocalPathRoot => Path.Combine(Path.GetFullPath(DataDir), "storage");

    /// <summary>The node's primary address (InternalIP); detected when unset.</summary>
    public string? NodeIp { get; init; }

    /// <summary>The range pod IPs come from, published as spec.podCIDR.</summary>
    public string PodCidr { get; init; } = "10.244.0.0/24";

    /// <summary>The port of the agent's own endpoint (logs, exec), published in daemonEndpoints.</summary>
    public int KubeletPort { get; init; } = 10250;

    public int MaxPods { get; init; } = 110;

    /// <summary>How often the node's Lease in kube-node-lease is renewed (upstream: 10 s).</summary>
    public TimeSpan LeaseRenewInterval { get; init; } = TimeSpan.FromSeconds(10);

    public int LeaseDurationSeconds { get; init; } = 40;

    /// <summary>
    /// The longest the agent waits between attempts to reach an API server that does not answer (pod
    /// watch, pod status writes, Lease and Node status), starting from <see cref="ApiRetryInitialBackoff"/>.
    /// client-go's reflector caps at 30 s, which suits controllers; a node must be heard again at once
    /// when the server is back (the kubelet's lease controller retries within 7 s), else its Lease runs
    /// out and its pods are evicted just after the outage, and the restarts it did meanwhile go unseen.
    /// 3 s costs one refused connection per loop every 3 s while the server is down.
    /// </summary>
    public TimeSpan ApiRetryMaxBackoff { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan ApiRetryInitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How often node status is recomputed (upstream nodeStatusUpdateFrequency: 10 s).</summary>
    public TimeSpan NodeStatusUpdateInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>An unchanged node status is still written this often (upstream nodeStatusReportFrequency: 5 min).</summary>
    public TimeSpan NodeStatusReportInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>First delay after a failed image pull (ImagePullBackOff); doubles up to <see cref="ImagePullBackOffMax"/>.</summary>
    public TimeSpan ImagePullBackOffInitial { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan ImagePullBackOffMax { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>How soon a pod whose container config could not be built (missing ConfigMap …) is synced again.</summary>
    public TimeSpan ConfigErrorRetry { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How soon a pod whose volumes could not be set up (a ConfigMap not there yet …) tries again.</summary>
    public TimeSpan VolumeRetry { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often configMap, secret, downwardAPI and projected volumes are rewritten from the API, so
    /// that edits reach running pods (the kubelet's periodic sync: about a minute).
    /// </summary>
    public TimeSpan VolumeRefreshInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A container's log file is rotated once it grows past this size.</summary>
    public long LogMaxBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>How often log files are checked for rotation.</summary>
    public TimeSpan LogRotateInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a deleted pod may wait, before its containers get SIGTERM, for the EndpointSlices to stop
    /// listing it as ready (so proxies send it no new connections); at most half its grace period.
    /// </summary>
    public TimeSpan EndpointDrainWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Extra wait once the slices no longer list the pod as ready: the proxies' watches deliver the same change.</summary>
    public TimeSpan EndpointPropagation { get; init; } = TimeSpan.FromMilliseconds(30);

    /// <summary>Reserved resources and node-pressure eviction (--system-reserved, --kube-reserved, --eviction-*); the kubelet's defaults.</summary>
    public Eviction.EvictionConfig Eviction { get; init; } = Axolotl.Agent.Eviction.EvictionConfig.Default;

    /// <summary>
    /// The cgroup directory (under each hierarchy) that holds every pod's cgroups, limited to node
    /// allocatable (the kubelet's kubepods); null when the runtime places no pods in cgroups.
    /// </summary>
    public string? PodsCgroup { get; init; }

    /// <summary>Unsafe sysctls (names or "prefix*") pods may set besides the safe ones: the kubelet's --allowed-unsafe-sysctls.</summary>
    public IReadOnlyList<string> AllowedUnsafeSysctls { get; init; } = [];

    /// <summary>
    /// The kubelet's --seccomp-default: a container without a seccomp profile (its own or its pod's)
    /// runs under RuntimeDefault instead of unconfined. Localhost profiles live in DataDir/seccomp.
    /// </summary>
    public bool SeccompDefault { get; init; }
}
