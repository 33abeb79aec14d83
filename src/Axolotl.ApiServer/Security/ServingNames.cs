using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Axolotl.Api.Net;
using Axolotl.Api.Validation;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// The DNS names and IP addresses the API server's serving certificate must name, so a client can
/// verify it by whatever address it used: every address the server listens on (with a wildcard
/// bind, every address of every local interface of that family, plus both loopbacks), the host name
/// and localhost, the in-cluster names of the <c>kubernetes</c> Service and its ClusterIP (the first
/// address of the service range, as kube-apiserver's certificate has), and the --tls-san extras.
/// </summary>
public sealed record ServingNames(IReadOnlyList<string> DnsNames, IReadOnlyList<IPAddress> Addresses)
{
    /// <summary>What pods and kubeconfigs inside the cluster call the API server (kube-apiserver's defaults).</summary>
    public static readonly IReadOnlyList<string> KubernetesServiceNames =
        ["kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"];

    /// <param name="bind">The address the server listens on; 0.0.0.0 or :: means every local address of that family.</param>
    /// <param name="serviceCidr">The service range; its first address is the <c>kubernetes</c> Service's ClusterIP.</param>
    /// <param name="extra">--tls-san values, already checked by <see cref="ParseTlsSans"/>.</param>
    /// <param name="interfaceAddresses">This host's interface addresses (injected by tests).</param>
    public static ServingNames Compute(IPAddress bind, string serviceCidr, ServingNames extra, string hostName, IEnumerable<IPAddress> interfaceAddresses)
    {
        var (network, prefix) = ServiceRange.Parse(serviceCidr);
        var kubernetesServiceIp = Ipv4Cidr.ToAddress(network + 1);
        var names = new List<string> { "localhost", hostName };
        names.AddRange(KubernetesServiceNames);
        names.AddRange(extra.DnsNames);

        var addresses = new List<IPAddress> { IPAddress.Loopback, IPAddress.IPv6Loopback, kubernetesServiceIp };
        if (bind.Equals(IPAddress.Any) || bind.Equals(IPAddress.IPv6Any))
        {
            // Kestrel binds 0.0.0.0 to IPv4 only and :: to both families. The service proxy puts every
            // Service's ClusterIP on a local link; those are other Services' addresses, not ours.
            var mask = Ipv4Cidr.MaskOf(prefix);
            addresses.AddRange(interfaceAddresses
                .Where(a => bind.Equals(IPAddress.IPv6Any) || a.AddressFamily == AddressFamily.InterNetwork)
                .Where(a => a.AddressFamily != AddressFamily.InterNetwork || (Ipv4Cidr.ToUInt(a) & mask) != network));
        }
        else
        {
            addresses.Add(bind);
        }
        addresses.AddRange(extra.Addresses);
        return new ServingNames(
            names.Where(n => n.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            addresses.Select(WithoutScope).Distinct().ToList());
    }

    /// <summary>Every unicast address of every local interface, up or down (an interface that comes up later keeps its address).</summary>
    public static IEnumerable<IPAddress> LocalInterfaceAddresses() => InterfaceAddresses().Select(a => a.Address);

    /// <summary>Every interface's unicast addresses, read whole (read again when a veth vanished mid-read: HostInterfaces).</summary>
    public static IReadOnlyList<(string Interface, IPAddress Address)> InterfaceAddresses() => Axolotl.Hosting.Network.HostInterfaces.Addresses();

    /// <summary>
    /// Parses --tls-san values (each may hold several, comma-separated): an IP address or a DNS name
    /// (a lowercase RFC 1123 subdomain, optionally with a leading <c>*.</c> wildcard label). Throws
    /// ArgumentException naming the flag and the value when one is neither.
    /// </summary>
    public static ServingNames ParseTlsSans(IEnumerable<string> values)
    {
        var names = new List<string>();
        var addresses = new List<IPAddress>();
        foreach (var value in values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries)))
        {
            if (value.Length == 0)
            {
                throw new ArgumentException("invalid --tls-san \"\": want a DNS name or an IP address");
            }
            if (value.Contains(':', StringComparison.Ordinal) || value.All(c => char.IsAsciiDigit(c) || c == '.'))
            {
                // IPAddress.TryParse also takes "1", "1.2" and "0x7f.1"; an address in a SAN is written out in full,
                // and digits and dots that are no address must not pass as a host name.
                if (!IPAddress.TryParse(value, out var address) || (address.AddressFamily == AddressFamily.InterNetwork && value.Count(c => c == '.') != 3))
                {
                    throw new ArgumentException($"invalid --tls-san \"{value}\": not a valid IP address");
                }
                addresses.Add(address);
                continue;
            }
            var host = value.StartsWith("*.", StringComparison.Ordinal) ? value[2..] : value;
            var errors = NameRules.DNS1123Subdomain(host);
            if (errors.Count > 0)
            {
                throw new ArgumentException($"invalid --tls-san \"{value}\": want a DNS name or an IP address: {string.Join("; ", errors)}");
            }
            names.Add(value);
        }
        return new ServingNames(names, addresses);
    }

    public static readonly ServingNames None = new([], []);

    private static IPAddress WithoutScope(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0 ? new IPAddress(address.GetAddressBytes()) : address;
}
