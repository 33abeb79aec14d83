namespace Axolotl.Proxy.Standby;

/// <summary>
/// How a node serves its Services' TCP frontends (`--proxy-mode`, as kube-proxy's `--proxy-mode`; ADR 0030).
/// </summary>
public enum ProxyMode
{
    /// <summary>
    /// The userspace relay serves every frontend (ADR 0003, 0017): a connection whose pod dies before answering is
    /// replayed on another, readiness drains in milliseconds; the kernel takes over only while the process is down (ADR 0026).
    /// </summary>
    Relay,

    /// <summary>
    /// The kernel DNATs every eligible TCP connection (nftables with conntrack, as kube-proxy's nftables mode): throughput
    /// near direct, no replay. UDP, sessionAffinity ClientIP and 127.0.0.1 node ports stay on the relay.
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
