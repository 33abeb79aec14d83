using System.Security.Cryptography;
using System.Text;
using Axolotl.Hosting.HostTools;

namespace Axolotl.Runtime.Network;

/// <summary>
/// One network namespace per pod (<c>axl-&lt;short uid&gt;</c>) with a veth pair: eth0 inside with the
/// pod's address and a default route via the gateway, the host side on the node bridge with hairpin
/// on (so a pod reaches itself through a service). Also writes the pod's /etc/hosts and
/// /etc/resolv.conf, which the launchers bind-mount into every container of the pod.
/// </summary>
public sealed class PodNetwork(string bridge, PodCidr cidr, Ipam ipam, string stateDirectory, int? mtu = null)
{
    public static string NamespaceName(string podUid) => "axl-" + Short(podUid);

    /// <summary>Sets up the pod's namespace, or returns the existing one (agent restart). Returns the pod IP.</summary>
    public async Task<string> AddAsync(string podUid, CancellationToken ct)
    {
        var ns = NamespaceName(podUid);
        var veth = HostVethName(podUid);
        // Made before the namespace: whoever cleans up after a process killed mid-way (a restarted agent, a
        // test's node cleanup) finds every pod that may have a namespace among these directories.
        Directory.CreateDirectory(PodDirectory(podUid));
        var ip = ipam.Allocate(podUid);
        if (File.Exists(Path.Combine("/run/netns", ns)) && IpCommand.LinkExists(veth))
        {
            return ip;
        }

        try
        {
            // A half-made namespace from an interrupted attempt is rebuilt from scratch.
            if (File.Exists(Path.Combine("/run/netns", ns)))
            {
                await IpCommand.BatchAsync([$"netns del {ns}"], null, force: true, ct);
            }

            await IpCommand.BatchAsync(
                [
                    $"netns add {ns}",
                    // With an MTU (VXLAN mode) both ends get it, so pods never send what the overlay cannot carry.
                    mtu is { } bytes
                        ? $"link add {veth} mtu {bytes} type veth peer name eth0 mtu {bytes} netns {ns}"
                        : $"link add {veth} type veth peer name eth0 netns {ns}",
                    $"link set {veth} master {bridge}",
                    $"link set {veth} type bridge_slave hairpin on",
                    $"link set {veth} up",

                    // A reused address may still sit in the host's neighbour cache with the MAC of the pod that had
                    // it before; until that entry times out, the host would send this pod's traffic nowhere. (Flushing
                    // nothing succeeds; in this batch it saves a process start on every pod's way to running.)
                    $"neigh flush to {ip} dev {bridge}",
                ],
                null,
                force: false,
                ct);
            await IpCommand.BatchAsync(
                [
                    "link set lo up",
                    $"addr add {ip}/{cidr.Prefix} dev eth0",
                    "link set eth0 up",
                    $"route add default via {cidr.Gateway}",
                ],
                ns,
                force: false,
                ct);
        }
        catch
        {
            await RemoveAsync(podUid, CancellationToken.None);
            throw;
        }

        return ip;
    }

    /// <summary>Deletes the namespace (its veth goes with it) and frees the address; idempotent.</summary>
    public async Task RemoveAsync(string podUid, CancellationToken ct)
    {
        var ns = NamespaceName(podUid);
        if (File.Exists(Path.Combine("/run/netns", ns)))
        {
            await IpCommand.BatchAsync([$"netns del {ns}"], null, force: true, ct);
        }

        // The kernel removes the host veth asynchronously; delete it now if it is still there.
        var veth = HostVethName(podUid);
        if (IpCommand.LinkExists(veth))
        {
            await IpCommand.BatchAsync([$"link del {veth}"], null, force: true, ct);
        }

        ipam.Release(podUid);
        var dir = PodDirectory(podUid);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Writes the pod's hosts file (the kubelet's layout) and returns its path.</summary>
    public string WriteHosts(string podUid, string? ip, string hostname, string? fqdn = null, IReadOnlyList<Api.Core.HostAlias>? aliases = null)
    {
        var dir = PodDirectory(podUid);
        Directory.CreateDirectory(dir);
        var text = new StringBuilder()
            .Append("# Kubernetes-managed hosts file.\n")
            .Append("127.0.0.1\tlocalhost\n")
            .Append("::1\tlocalhost ip6-localhost ip6-loopback\n")
            .Append("fe00::0\tip6-localnet\n")
            .Append("fe00::0\tip6-mcastprefix\n")
            .Append("fe00::1\tip6-allnodes\n")
            .Append("fe00::2\tip6-allrouters\n");
        if (ip is not null)
        {
            // The kubelet's line for a pod with a subdomain: "IP<tab>FQDN<tab>hostname".
            text.Append(ip).Append('\t');
            if (fqdn is not null)
            {
                text.Append(fqdn).Append('\t');
            }
            text.Append(hostname).Append('\n');
        }

        text.Append(HostAliasEntries(aliases));
        var path = Path.Combine(dir, "hosts");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>
    /// spec.hostAliases as the kubelet appends them to the managed hosts file (pod network or host
    /// network alike): a comment line, then "IP&lt;tab&gt;name&lt;tab&gt;name…" per alias. Empty without aliases.
    /// </summary>
    public static string HostAliasEntries(IReadOnlyList<Api.Core.HostAlias>? aliases)
    {
        if (aliases is not { Count: > 0 })
        {
            return "";
        }

        var text = new StringBuilder("\n# Entries added by HostAliases.\n");
        foreach (var alias in aliases)
        {
            text.Append(alias.Ip).Append('\t').AppendJoin('\t', alias.Hostnames ?? []).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The pod's resolv.conf beside its hosts file; the native launcher finds it there by that name.</summary>
    public const string ResolvConfFileName = "resolv.conf";

    public const string ClusterDomain = "cluster.local";

    /// <summary>Writes the pod's resolv.conf and returns its path; null text removes it (dnsPolicy Default: the host's file).</summary>
    public string? WriteResolvConf(string podUid, string? text)
    {
        var path = Path.Combine(PodDirectory(podUid), ResolvConfFileName);
        if (text is null)
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }

            return null;
        }

        Directory.CreateDirectory(PodDirectory(podUid));
        File.WriteAllText(path, text);
        return path;
    }

    public string PodDirectory(string podUid) => Path.Combine(stateDirectory, "pods", podUid);

    private string HostVethName(string podUid) => HostVethName(bridge, podUid);

    /// <summary>The host end of a pod's veth on <paramref name="bridgeName"/> (a cleanup finds a dead pod's by it).</summary>
    public static string HostVethName(string bridgeName, string podUid)
    {
        // 15-character limit: "va" + 12 hex of a hash of bridge and uid, unique per bridge.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(bridgeName + "/" + podUid));
        return "va" + Convert.ToHexStringLower(hash)[..12];
    }

    private static string Short(string podUid)
    {
        var clean = podUid.Replace("-", string.Empty, StringComparison.Ordinal);
        return clean.Length <= 12 ? clean : clean[..12];
    }
}
