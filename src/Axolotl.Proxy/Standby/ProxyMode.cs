namespace Axolotl.Proxy.Standby;

/// <summary>
/// How a node serves its Services' frontends (`--proxy-mode`, as kube-proxy's `--proxy-mode`; ADR 0030).
/// </summary>
public enum ProxyMode
{
    /// <summary>
    /// The userspace relay serves every frontend (ADR 0003, 0017): a connection whose pod dies before answering is
    /// replayed on another, readiness drains in milliseconds; the kernel takes over only while the process is down (ADR 0026).
    /// </summary>
    Relay,

    /// <summary>
    /// The kernel DNATs every eligible TCP connection and UDP flow (nftables with conntrack, as kube-proxy's nftables mode;
    /// a departed UDP endpoint's conntrack entries are deleted): throughput near direct, no replay. sessionAffinity
    /// ClientIP, 127.0.0.1 node ports and the cluster DNS stay with the process.
    /// </summary>
    Nftables,
}

/// <summary>The names `--proxy-mode` takes.</summary>
public static class ProxyModes
{
    public static ProxyMode Parse(string? text) => text switch
    {
        null or "relay" => ProxyMode.Relay,
        "nftables" => ProxyMode.Nftables,
        _ => throw new ArgumentException($"invalid --proxy-mode \"{text}\": want relay or nftables"),
    };

    public static string Name(ProxyMode mode) => mode == ProxyMode.Nftables ? "nftables" : "relay";
}
