namespace Axolotl.Runtime;

/// <summary>
/// Configuration of the Linux process runtime. Agents sharing one machine must use different
/// <see cref="CgroupRoot"/>, <see cref="BridgeName"/>, <see cref="PodCidr"/> and <see cref="StateDirectory"/>.
/// </summary>
public sealed class ProcessRuntimeOptions
{
    /// <summary>Name of the cgroup directory under every hierarchy that holds this agent's pods.</summary>
    public string CgroupRoot { get; set; } = "axolotl";

    /// <summary>The node bridge; at most 15 characters (a Linux interface name).</summary>
    public string BridgeName { get; set; } = "axl0";

    /// <summary>The node's pod CIDR (IPv4, prefix 16..30); the first host address is the gateway on the bridge.</summary>
    public string PodCidr { get; set; } = "10.244.0.0/24";

    /// <summary>The MTU of the bridge and every pod's veth; null keeps the kernel's (1500). VXLAN mode sets the uplink's minus 50.</summary>
    public int? PodMtu { get; set; }

    /// <summary>Where IPAM allocations, per-pod hosts files and per-container state (pid, exit code) live.</summary>
    public string StateDirectory { get; set; } = "/var/lib/axolotl/runtime";

    /// <summary>Size of each container's private /tmp (tmpfs size option).</summary>
    public string TmpSize { get; set; } = "64m";

    /// <summary>
    /// Size at which the native launcher rotates a container's log (one rotated file is kept, so a
    /// flood costs about twice this). The shell chain writes plain lines that the agent rotates.
    /// </summary>
    public long LogMaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>
    /// Switch the cgroup2 mount to favordynmods when it is not: without it every move of a process
    /// into a cgroup (each container start) waits for an RCU grace period, about 12 ms here.
    /// </summary>
    public bool FavorDynamicCgroupMoves { get; set; } = true;

    /// <summary>The fallback runtime polls resident memory this often.</summary>
    public TimeSpan MemoryPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The node's own address, reported as the pod IP in the host-network fallback.</summary>
    public string? NodeAddress { get; set; }

    /// <summary>The node's resolver configuration (--resolv-conf): dnsPolicy Default pods get it, ClusterFirst pods its search list.</summary>
    public Network.Dns.ResolvConf NodeResolvConf { get; set; } = Network.Dns.ResolvConf.Empty;

    /// <summary>
    /// The longest a cold start holds its command until the standby launched before it is ready, when the
    /// container would restart at once (ADR 0002); zero: it does not wait. AXOLOTL_STANDBY_WAIT_MS sets it for
    /// a comparison on one build (bench/README.md).
    /// </summary>
    public TimeSpan StandbyWait { get; set; } = StandbyWaitFromEnvironment() ?? TimeSpan.FromMilliseconds(250);

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    private static TimeSpan? StandbyWaitFromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable("AXOLOTL_STANDBY_WAIT_MS"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            && ms <= 60_000
            ? TimeSpan.FromMilliseconds(ms)
            : null;
}
