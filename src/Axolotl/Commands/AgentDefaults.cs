using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Axolotl.Commands;

/// <summary>
/// `axolotl agent --server URL --token T` with nothing else: what the agent chooses for the flags not given,
/// so that it cannot collide with the server's own node (or another agent) on the same machine.
/// <list type="bullet">
/// <item>the node name: the one this data directory joined with before; else the host name, with a random
/// suffix when the server runs on this machine (its local node already has the host name), as k3s's
/// --with-node-id; kept in DATA/node-name so a restarted agent is the same node;</item>
/// <item>the data directory: $XDG_DATA_HOME/axolotl/agent (with --node-name: …/nodes/NAME, as before);</item>
/// <item>the pod bridge: axl0, or axl + a hash of the node name when the server is on this machine;</item>
/// <item>the kubelet port: 10250 when free, else the next free one (published in the Node's daemonEndpoints,
/// where the API server reads it).</item>
/// </list>
/// The pod CIDR comes from the server's node IPAM, the cluster and Service CIDRs from the cluster's
/// configuration (<see cref="ClusterConfigDiscovery"/>).
/// </summary>
internal static class AgentDefaults
{
    public const int KubeletPort = 10250;

    public static CommandLine Apply(CommandLine args, IReadOnlyList<Uri> servers)
    {
        var serverHere = servers.Any(IsThisMachine);
        string nodeName;
        string dataDir;
        if (args.Get("node-name") is { } given)
        {
            nodeName = given;
            dataDir = Path.GetFullPath(args.Get("data-dir") ?? Path.Combine(DataDirectory.Default(), "nodes", nodeName));
        }
        else
        {
            dataDir = Path.GetFullPath(args.Get("data-dir") ?? Path.Combine(DataDirectory.Default(), "agent"));
            nodeName = RememberedOrNewName(dataDir, serverHere);
        }

        var result = args.WithDefault("node-name", nodeName).WithDefault("data-dir", dataDir)
            .WithDefault("bridge", serverHere ? BridgeFor(nodeName) : "axl0");
        if (args.Get("kubelet-port") is null)
        {
            result = result.WithDefault("kubelet-port", FreeKubeletPort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return result;
    }

    /// <summary>
    /// --cluster-cidr and --service-cidr when not given: the ranges the server publishes as annotations of the
    /// `kubernetes` Service in default (nodes may read Services); a flag that contradicts them is refused, since
    /// routes and Service rules built on another range would silently break traffic.
    /// </summary>
    public static async Task<CommandLine> WithClusterRangesAsync(CommandLine args, Axolotl.Client.KubeClient client, CancellationToken ct)
    {
        var service = await client.Resource<Axolotl.Api.Core.Service>().TryGetAsync("default", "kubernetes", ct);
        var annotations = service?.Metadata.Annotations;
        foreach (var (flag, key) in new[]
        {
            ("cluster-cidr", Axolotl.ApiServer.ControlPlane.KubernetesServiceReconciler.ClusterCidrAnnotation),
            ("service-cidr", Axolotl.ApiServer.ControlPlane.KubernetesServiceReconciler.ServiceCidrAnnotation),
            ("pod-network", Axolotl.ApiServer.ControlPlane.KubernetesServiceReconciler.PodNetworkAnnotation),
        })
        {
            if (annotations?.GetValueOrDefault(key) is not { Length: > 0 } published)
            {
                continue; // an older server: the flag or the default
            }
            if (args.Get(flag) is { } given && given != published)
            {
                throw new ArgumentException($"--{flag} {given} contradicts the cluster's {published} (published by the server on the kubernetes Service): leave the flag out");
            }
            args = args.WithDefault(flag, published);
        }
        return args;
    }

    /// <summary>A bridge name of at most 15 characters (IFNAMSIZ) that two nodes on one machine never share.</summary>
    public static string BridgeFor(string nodeName) =>
        "axl" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(nodeName)))[..8];

    /// <summary>The host name as a DNS-1123 label: lower case, anything else a '-'.</summary>
    public static string HostNodeName(string host)
    {
        var chars = host.ToLowerInvariant().Select(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-' ? c : '-').ToArray();
        var name = new string(chars).Trim('-', '.');
        return name.Length is > 0 and <= 200 ? name : "node";
    }

    private static string RememberedOrNewName(string dataDir, bool serverHere)
    {
        var file = Path.Combine(dataDir, "node-name");
        if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } remembered)
        {
            return remembered;
        }

        var name = HostNodeName(Dns.GetHostName());
        if (serverHere)
        {
            name += "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        }
        DataDirectory.EnsurePrivate(dataDir);
        File.WriteAllText(file, name + "\n");
        DataDirectory.MakeOwnerOnly(file);
        return name;
    }

    /// <summary>Whether the server's host is this machine: loopback, this host's name, or one of its addresses.</summary>
    private static bool IsThisMachine(Uri server)
    {
        if (server.IsLoopback || string.Equals(server.Host, Dns.GetHostName(), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!IPAddress.TryParse(server.Host, out var address))
        {
            return false; // a name is not resolved here: no lookup on the join path
        }

        return Axolotl.Hosting.Network.HostInterfaces.Addresses().Any(a => a.Address.Equals(address));
    }

    private static int FreeKubeletPort()
    {
        for (var port = KubeletPort; port < KubeletPort + 100; port++)
        {
            try
            {
                using var listener = new TcpListener(IPAddress.Any, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken (the server's local node, another agent): the next.
            }
        }
        throw new ArgumentException($"no free port from {KubeletPort} to {KubeletPort + 99} for the kubelet endpoint: give --kubelet-port");
    }
}
