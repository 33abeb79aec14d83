using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Meta;
using Axolotl.Api.Net;

namespace Axolotl.Proxy.Dns;

/// <summary>What the zone says about one name: the response code and the A records (empty for NODATA).</summary>
public readonly record struct DnsAnswer(DnsResponseCode Code, IReadOnlyList<IPAddress> Addresses);

/// <summary>
/// The cluster's names at one moment, as the Kubernetes DNS specification lays them out, built from
/// Services and EndpointSlices and never changed afterwards (swapped whole, like the routing snapshot):
/// <list type="bullet">
/// <item><c>SERVICE.NS.svc.DOMAIN</c>: the cluster IP; for a headless Service the ready endpoints'
/// addresses (all of them under publishNotReadyAddresses), and <c>HOSTNAME.SERVICE.NS.svc.DOMAIN</c>
/// for endpoints that carry a hostname.</item>
/// <item><c>A-B-C-D.NS.pod.DOMAIN</c>: the address written in the name (kube-dns "pods insecure").</item>
/// </list>
/// Names under the domain that lead to records (<c>svc.DOMAIN</c>, <c>NS.svc.DOMAIN</c>) answer NODATA,
/// other names under it NXDOMAIN, and names outside it REFUSED here (the server forwards those when the
/// node has upstream resolvers: <see cref="DnsForwarder"/>).
/// ExternalName Services are not served (they would need CNAME records).
/// </summary>
public sealed class DnsZone
{
    public const string DefaultDomain = "cluster.local";

    private readonly Dictionary<string, IPAddress[]> _records;
    private readonly HashSet<string> _interior;

    private DnsZone(string domain, Dictionary<string, IPAddress[]> records, HashSet<string> interior)
    {
        Domain = domain;
        _records = records;
        _interior = interior;
    }

    public static DnsZone Empty { get; } = new(DefaultDomain, [], [DefaultDomain, "svc." + DefaultDomain, "pod." + DefaultDomain]);

    public string Domain { get; }

    /// <summary>How many names carry A records (pod names not counted).</summary>
    public int RecordCount => _records.Count;

    public static DnsZone Build(IEnumerable<Service> services, IEnumerable<EndpointSlice> slices, string domain = DefaultDomain)
    {
        domain = domain.Trim('.').ToLowerInvariant();
        var slicesByService = slices
            .Where(s => s.AddressType == "IPv4" && s.Metadata.Labels?.GetValueOrDefault(WellKnown.LabelServiceName) is { Length: > 0 })
            .ToLookup(s => (s.Metadata.Namespace ?? "", s.Metadata.Labels![WellKnown.LabelServiceName]));
        var records = new Dictionary<string, IPAddress[]>(StringComparer.Ordinal);
        var interior = new HashSet<string>(StringComparer.Ordinal) { domain, "svc." + domain, "pod." + domain };
        foreach (var service in services)
        {
            var spec = service.Spec;
            var ns = (service.Metadata.Namespace ?? "").ToLowerInvariant();
            var name = (service.Metadata.Name ?? "").ToLowerInvariant();
            if (spec is null || spec.Type == "ExternalName" || ns.Length == 0 || name.Length == 0)
            {
                continue;
            }

            var serviceName = $"{name}.{ns}.svc.{domain}";
            if (spec.ClusterIP == "None")
            {
                var byHostname = new Dictionary<string, List<IPAddress>>(StringComparer.Ordinal);
                var all = new List<IPAddress>();
                foreach (var endpoint in slicesByService[(service.Metadata.Namespace ?? "", service.Metadata.Name ?? "")].SelectMany(s => s.Endpoints))
                {
                    var ready = endpoint.Conditions?.Ready ?? true;
                    if ((!ready && spec.PublishNotReadyAddresses != true) || ParseIpv4(endpoint.Addresses.FirstOrDefault()) is not { } ip)
                    {
                        continue;
                    }

                    if (!all.Contains(ip))
                    {
                        all.Add(ip);
                    }

                    if (endpoint.Hostname is { Length: > 0 } hostname)
                    {
                        var list = byHostname.TryGetValue(hostname.ToLowerInvariant(), out var l) ? l : byHostname[hostname.ToLowerInvariant()] = [];
                        if (!list.Contains(ip))
                        {
                            list.Add(ip);
                        }
                    }
                }

                if (all.Count > 0)
                {
                    records[serviceName] = [.. all.OrderBy(Ipv4Cidr.ToUInt)];
                }

                foreach (var (hostname, ips) in byHostname)
                {
                    records[$"{hostname}.{serviceName}"] = [.. ips];
                }

                interior.Add(serviceName);
            }
            else if (ParseIpv4(spec.ClusterIP) is { } clusterIp)
            {
                records[serviceName] = [clusterIp];
            }
            else
            {
                continue;
            }

            interior.Add($"{ns}.svc.{domain}");
            interior.Add($"{ns}.pod.{domain}");
        }

        return new DnsZone(domain, records, interior);
    }

    /// <summary>Answers a question for <paramref name="name"/> (lower case, no trailing dot).</summary>
    /// <summary>Whether <paramref name="name"/> is the cluster domain or under it (this zone answers it; anything else is forwarded or refused).</summary>
    public bool Serves(string name) => name == Domain || name.EndsWith("." + Domain, StringComparison.Ordinal);

    public DnsAnswer Lookup(string name, ushort type, ushort @class)
    {
        if (!Serves(name))
        {
            return new DnsAnswer(DnsResponseCode.Refused, []);
        }

        if (@class is not DnsMessage.ClassIn and not DnsMessage.ClassAny)
        {
            return new DnsAnswer(DnsResponseCode.Refused, []);
        }

        var addresses = _records.TryGetValue(name, out var found) ? found : PodAddress(name) is { } pod ? [pod] : null;
        if (addresses is not null)
        {
            return new DnsAnswer(DnsResponseCode.NoError, type is DnsMessage.TypeA or DnsMessage.TypeAny ? addresses : []);
        }

        return new DnsAnswer(_interior.Contains(name) ? DnsResponseCode.NoError : DnsResponseCode.NameError, []);
    }

    /// <summary>"10-244-1-5.NS.pod.DOMAIN" → 10.244.1.5, in any namespace (the address is not checked against pods).</summary>
    private IPAddress? PodAddress(string name)
    {
        var suffix = ".pod." + Domain;
        if (!name.EndsWith(suffix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = name[..^suffix.Length].Split('.');
        if (parts.Length != 2)
        {
            return null;
        }

        var octets = parts[0].Split('-');
        if (octets.Length != 4)
        {
            return null;
        }

        var bytes = new byte[4];
        for (var i = 0; i < 4; i++)
        {
            if (octets[i].Length is 0 or > 3 || !byte.TryParse(octets[i], NumberStyles.None, CultureInfo.InvariantCulture, out bytes[i]))
            {
                return null;
            }
        }

        return new IPAddress(bytes);
    }

    private static IPAddress? ParseIpv4(string? text) =>
        IPAddress.TryParse(text, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork ? ip : null;
}
