namespace Axolotl.Agent.Cleanup;

/// <summary>
/// The host objects a cleanup looks at for one node, as observed at one moment (<see cref="HostInventoryReader"/>
/// reads them; tests build them by hand). Only what could be this node's is listed: cgroups under its root,
/// mounts under its data directory, the containers and pods its state names; links, namespaces, rules,
/// routes and tables are the machine's, filtered by the tracker.
/// </summary>
public sealed record HostInventory
{
    /// <summary>Every network interface on the host.</summary>
    public IReadOnlySet<string> Links { get; init; } = new HashSet<string>();

    /// <summary>The interfaces enslaved to this node's bridge.</summary>
    public IReadOnlyList<string> BridgePorts { get; init; } = [];

    /// <summary>Named network namespaces (/run/netns).</summary>
    public IReadOnlySet<string> Namespaces { get; init; } = new HashSet<string>();

    public IReadOnlyList<PolicyRule> Rules { get; init; } = [];

    /// <summary>Routes with our protocol (147) and unreachable routes.</summary>
    public IReadOnlyList<RouteEntry> Routes { get; init; } = [];

    /// <summary>nftables tables as "family name".</summary>
    public IReadOnlySet<string> NftTables { get; init; } = new HashSet<string>();

    /// <summary>Every cgroup directory under the node's root in every hierarchy, the root itself included.</summary>
    public IReadOnlyList<CgroupEntry> Cgroups { get; init; } = [];

    /// <summary>Mount points at or below the data directory.</summary>
    public IReadOnlyList<string> Mounts { get; init; } = [];

    /// <summary>The containers the runtime's state records (their launcher's pid).</summary>
    public IReadOnlyList<RecordedContainer> Containers { get; init; } = [];

    /// <summary>Pods with an agent checkpoint: the next start re-adopts them.</summary>
    public IReadOnlySet<string> CheckpointedPods { get; init; } = new HashSet<string>();

    /// <summary>Pods with a directory in the runtime's state (sandbox files, container state).</summary>
    public IReadOnlySet<string> RuntimePods { get; init; } = new HashSet<string>();

    /// <summary>Pod directories in the agent's data (checkpoint, logs, volumes), with or without a checkpoint.</summary>
    public IReadOnlySet<string> AgentPods { get; init; } = new HashSet<string>();

    /// <summary>IPAM claim files (runtime/ipam/ADDRESS) and the pod each names.</summary>
    public IReadOnlyList<AddressClaim> Addresses { get; init; } = [];
}

/// <summary>"ip rule": its preference and input interface.</summary>
public sealed record PolicyRule(int Preference, string? InputInterface);

/// <summary>A route: destination, preferred source, device and type ("unicast", "unreachable").</summary>
public sealed record RouteEntry(string Destination, string? Source, string? Device, string Type, int? Protocol);

/// <summary>One cgroup directory: its absolute path, its path below the hierarchy's mount, and its own member count.</summary>
public sealed record CgroupEntry(string Path, string Relative, int Members);

/// <summary>A container the runtime started: its pod, id, the launcher's pid and start time, and whether that process still lives.</summary>
public sealed record RecordedContainer(string PodUid, string Id, int Pid, long StartTicks, bool Alive);

/// <summary>An address claim file and the pod UID in it.</summary>
public sealed record AddressClaim(string File, string PodUid);
